/**
 * mcp-utc-time: serves MCP over stdio. Parses the flags, builds the monitors and the server,
 * connects stdio, and releases everything (segments detached, PPS device closed) on stdin EOF,
 * SIGINT and SIGTERM. stdout carries only JSON-RPC; diagnostics go to stderr.
 *
 * @module
 */
import { checkMain } from "./src/check/run.ts";
import { type CliOptions, parseCli, USAGE } from "./src/cli.ts";
import { clockGettime } from "./src/ffi/clock.ts";
import { readKernelClock } from "./src/kernel/read.ts";
import { PpsMonitor } from "./src/pps/monitor.ts";
import { createServer } from "./src/server.ts";
import { ShmMonitor } from "./src/shm/monitor.ts";
import { DenoStdioTransport } from "./src/stdio_transport.ts";
import { NAME, VERSION } from "./src/version.ts";

/** Exit at the latest this long after a shutdown begins, ms. */
const SHUTDOWN_DEADLINE_MS = 150;

function writeStdout(text: string): void {
  Deno.stdout.writeSync(new TextEncoder().encode(text));
}

/** Serves until stdin closes or a signal arrives; then releases everything and exits 0. */
async function serve(opts: CliOptions): Promise<void> {
  const shm = new ShmMonitor({ units: opts.shmUnits, staleAfterMs: opts.staleAfterMs }).start();
  const pps = new PpsMonitor({ device: opts.ppsDevice }).start();
  const server = createServer({ shm, pps, kernel: readKernelClock, clock: clockGettime });

  let closing = false;
  const shutdown = (why: string): void => {
    if (closing) return;
    closing = true;
    setTimeout(() => Deno.exit(0), SHUTDOWN_DEADLINE_MS);
    try {
      shm[Symbol.dispose]();
      pps[Symbol.dispose]();
    } catch (e) {
      console.error(`${NAME}: Cannot release the monitors (${why}): ${(e as Error).message}`);
    }
    server.close().finally(() => Deno.exit(0));
  };
  // On EOF, let the requests already read finish (their handlers settle within a few turns).
  const onEof = () => setTimeout(() => shutdown("stdin closed"), 0);
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
  await server.connect(new DenoStdioTransport(onEof));
}

/** Runs the program; returns the exit code, or undefined while serving. */
async function main(args: string[]): Promise<number | undefined> {
  let opts: CliOptions;
  try {
    opts = parseCli(args);
  } catch (e) {
    console.error(`${NAME}: ${(e as Error).message}`);
    return 2;
  }
  if (opts.help) {
    writeStdout(USAGE);
    return 0;
  }
  if (opts.version) {
    writeStdout(`${NAME} ${VERSION}\n`);
    return 0;
  }
  if (opts.check) return await checkMain(opts);
  try {
    await serve(opts);
  } catch (e) {
    console.error(`${NAME}: Cannot start the server: ${(e as Error).message}`);
    return 1;
  }
  return undefined;
}

if (import.meta.main) {
  const code = await main(Deno.args);
  if (code !== undefined) Deno.exit(code);
}
