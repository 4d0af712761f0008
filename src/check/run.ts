/**
 * The `--check` runner: gathers the facts (platform, libc binding, SHM units sampled for
 * {@linkcode SHM_SAMPLE_MS}, PPS pulses awaited for at most {@linkcode PPS_WAIT_MS}, the kernel
 * clock), builds the server's status object with the same code `get_ntp_status` uses, runs the
 * in-process MCP handshake, and prints the report. Bounded: about {@linkcode PPS_WAIT_MS} plus
 * the handshake.
 *
 * @module
 */
import type { CliOptions } from "../cli.ts";
import type { ServerDeps } from "../deps.ts";
import { clockGettime } from "../ffi/clock.ts";
import { libcPath } from "../ffi/libc.ts";
import { pageSize } from "../ffi/system.ts";
import { uname } from "../ffi/uname.ts";
import { readKernelClock } from "../kernel/read.ts";
import { PpsMonitor } from "../pps/monitor.ts";
import { ShmMonitor } from "../shm/monitor.ts";
import { createServer as createMcpServer } from "../server.ts";
import { ntpStatus } from "../status.ts";
import { NAME, VERSION } from "../version.ts";
import { type Connectable, selfHandshake } from "./handshake.ts";
import {
  buildReport,
  type CheckLine,
  type CheckReport,
  clockLines,
  ffiLine,
  formatText,
  handshakeLines,
  kernelLines,
  platformLines,
  ppsLines,
  shmLines,
} from "./report.ts";
import type { Utsname } from "./utsname.ts";

/** How long SHM units are sampled, ms: liveness is judged over time, not from one read. */
export const SHM_SAMPLE_MS = 1_500;
/** The longest the check waits for PPS pulses, ms (two pulses at 1 Hz arrive within it). */
export const PPS_WAIT_MS = 2_500;
/** Pulses awaited. */
export const PPS_WAIT_PULSES = 2;

/** Builds the MCP server the handshake talks to, from the check's own sources. */
export type ServerFactory = (deps: ServerDeps) => Connectable;

/** Runs every check and returns the report (never throws for a fact it finds wrong). */
export async function runCheck(
  opts: CliOptions,
  createServer: ServerFactory = createMcpServer,
): Promise<CheckReport> {
  const t0 = performance.now();
  const lines: CheckLine[] = [];
  let page: number | null = null;
  let ffiError: Error | null = null;
  try {
    page = pageSize();
  } catch (e) {
    ffiError = e as Error;
  }
  let kernel: Utsname | Error;
  try {
    kernel = uname();
  } catch (e) {
    kernel = e as Error;
  }
  lines.push(
    ...platformLines({ arch: Deno.build.arch, kernel, pageSize: page }),
    ffiLine(libcPath(), ffiError),
  );
  if (ffiError !== null) return buildReport(NAME, VERSION, lines, null, performance.now() - t0);

  using shm = new ShmMonitor({ units: opts.shmUnits, staleAfterMs: opts.staleAfterMs }).start();
  using pps = new PpsMonitor({ device: opts.ppsDevice });
  const sampling = new Promise((resolve) => setTimeout(resolve, SHM_SAMPLE_MS));
  const p0 = performance.now();
  await pps.waitForPulses(PPS_WAIT_PULSES, PPS_WAIT_MS);
  const ppsWaitedMs = performance.now() - p0;
  await sampling;
  const deps: ServerDeps = { shm, pps, kernel: readKernelClock, clock: clockGettime };
  const status = ntpStatus(deps);
  lines.push(
    ...shmLines(status, SHM_SAMPLE_MS),
    ...ppsLines(status, ppsWaitedMs),
    ...kernelLines(status),
    ...clockLines(status),
    ...handshakeLines(await selfHandshake(createServer(deps))),
  );
  return buildReport(NAME, VERSION, lines, status, performance.now() - t0);
}

/** Writes all of `text` to stdout (`--check` is not the MCP mode, so stdout is free). */
function writeStdout(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let off = 0;
  while (off < bytes.length) off += Deno.stdout.writeSync(bytes.subarray(off));
}

/** `--check [--json]`: runs the check, prints the report, returns the exit code. */
export async function checkMain(opts: CliOptions): Promise<number> {
  let report: CheckReport;
  try {
    report = await runCheck(opts);
  } catch (e) {
    // A defect, not a finding: every fact the check looks at is reported as a line instead.
    console.error(`${NAME}: Cannot run the check: ${(e as Error).stack ?? e}`);
    return 2;
  }
  writeStdout(opts.json ? JSON.stringify(report, null, 2) + "\n" : formatText(report));
  return report.exit_code;
}
