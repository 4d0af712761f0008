/**
 * The `--check` report: one line per fact the server relies on, each OK / WARN / FAIL with the
 * fix, the exit code they add up to, and the text and JSON renderings. Pure: built from facts
 * gathered by `run.ts` and from the server's own status object (`../status.ts`), never re-derived.
 *
 * @module
 */
import type { NtpStatus } from "../status.ts";
import type { UnitReport } from "../shm/report.ts";
import type { PpsReport } from "../pps/report.ts";
import type { Utsname } from "./utsname.ts";

/** How a line judges what it checked. */
export type Level = "OK" | "WARN" | "FAIL";

/** What part of the time stack a line is about. */
export type Section = "platform" | "ffi" | "shm" | "pps" | "kernel" | "clock" | "mcp";

/** One checked fact. */
export interface CheckLine {
  section: Section;
  level: Level;
  /** What was found, with its numbers. */
  message: string;
  /** What to do; null on OK lines. */
  fix: string | null;
}

/** `0` healthy, `1` degraded (runs, but something is missing, stale or unsynchronized), `2` cannot run. */
export type ExitCode = 0 | 1 | 2;

/** The whole report, as `--json` prints it. */
export interface CheckReport {
  name: string;
  version: string;
  /** "healthy", "degraded" or "cannot_run" (exit code 0, 1, 2). */
  result: "healthy" | "degraded" | "cannot_run";
  exit_code: ExitCode;
  /** Wall time the check took, ms. */
  duration_ms: number;
  counts: Record<Level, number>;
  lines: CheckLine[];
  /** The server's status object as `get_ntp_status` returns it; null when FFI is unavailable. */
  status: NtpStatus | null;
}

/** The 16 KiB page size of a Pi 5's default kernel. */
export const PAGE_16K = 16384;

/** The fix for a 16 KiB-page kernel (denoland/deno#36282). */
export const KERNEL8_FIX =
  "Deno binaries have been reported to crash on 16 KiB-page kernels (a Pi 5's default kernel_2712.img). Add 'kernel=kernel8.img' to /boot/firmware/config.txt and reboot to run the 4 KiB-page kernel (getconf PAGESIZE then prints 4096).";

/** Platform facts. */
export interface PlatformFacts {
  /** `Deno.build.arch`: what this binary was built for. */
  arch: string;
  /** The kernel (`uname`), or why it could not be read (also when FFI is unavailable). */
  kernel: Utsname | Error;
  /** `getpagesize()`; null when FFI is unavailable. */
  pageSize: number | null;
}

/** The platform lines: architecture and kernel, page size. */
export function platformLines(p: PlatformFacts): CheckLine[] {
  const k = p.kernel;
  const lines: CheckLine[] = [
    k instanceof Error
      ? line(
        "platform",
        "WARN",
        `arch ${p.arch}; kernel release unknown: ${k.message}`,
        "The rest of the check does not depend on it; see the ffi line.",
      )
      : line("platform", "OK", `arch ${p.arch}, ${k.sysname} ${k.release} (${k.machine})`),
  ];
  if (p.pageSize === PAGE_16K) {
    lines.push(line("platform", "WARN", `page size ${p.pageSize} B (16 KiB)`, KERNEL8_FIX));
  } else if (p.pageSize !== null) {
    lines.push(line("platform", "OK", `page size ${p.pageSize} B`));
  }
  return lines;
}

/** The libc/FFI line: `error` is null when libc was opened and answered a call. */
export function ffiLine(libcPath: string, error: Error | null): CheckLine {
  if (error === null) return line("ffi", "OK", `libc ${libcPath} bound through Deno FFI`);
  const notCapable = error.name === "NotCapable";
  return line(
    "ffi",
    "FAIL",
    `Cannot bind libc ${libcPath}: ${error.message}`,
    notCapable
      ? `Run with the permissions of 'deno task start' (--allow-ffi=${libcPath}); the release binary has them built in.`
      : `mcp-utc-time needs glibc at ${libcPath} (64-bit Linux, aarch64 or x86_64); install the libc6 package or run the binary built for this machine.`,
  );
}

/** The SHM lines, one per watched unit, from the status object. */
export function shmLines(status: NtpStatus, sampledMs: number): CheckLine[] {
  return status.shm.map((u) => unitLine(u, status.shm_valid, sampledMs));
}

function unitLine(u: UnitReport, anyFresh: boolean, sampledMs: number): CheckLine {
  const head = `unit ${u.unit} (key ${u.key}): ${u.state}`;
  const seg = u.permissions === null
    ? ""
    : `, mode ${u.permissions} uid ${u.owner_uid} gid ${u.owner_gid}`;
  const s = u.last_sample;
  const sample = s === null
    ? ""
    : `, last sample ${
      (s.age_ms / 1000).toFixed(3)
    } s old, offset ${s.offset_ns} ns, leap ${s.leap}`;
  const jitter = u.stats.jitter_ns === null ? "" : `, jitter ${u.stats.jitter_ns} ns`;
  const seen = `; ${u.stats.samples_seen} distinct samples read in ${
    (sampledMs / 1000).toFixed(1)
  } s`;
  const message = `${head}${seg}${sample}${jitter}${u.state === "no_segment" ? "" : seen}`;
  switch (u.state) {
    case "ok":
      return line("shm", "OK", message);
    case "no_segment":
      // An unused unit is normal when another watched unit brings fresh samples.
      return anyFresh
        ? line("shm", "OK", `${message} (unused; another unit has fresh samples)`)
        : line("shm", "WARN", message, u.detail);
    case "stale":
    case "not_ready":
      return line("shm", "WARN", message, u.detail);
    default:
      return line("shm", "FAIL", message, u.detail);
  }
}

/** The PPS line, from the status object's PPS report and the bounded wait. */
export function ppsLines(status: NtpStatus, waitedMs: number): CheckLine[] {
  const p = status.pps;
  const message = ppsMessage(p, waitedMs);
  switch (p.state) {
    case "active":
    case "disabled":
      return [line("pps", "OK", message)];
    case "no_device":
      // Without PPS a fresh SHM source is still a hardware clock (ms rather than µs accuracy).
      return [
        status.hardware_clock === "none"
          ? line("pps", "WARN", message, p.detail)
          : line("pps", "OK", `${message} (optional: ${status.hardware_clock} is in use)`),
      ];
    case "no_pulses":
    case "stale":
      return [line("pps", "WARN", message, p.detail)];
    default:
      return [line("pps", "FAIL", message, p.detail)];
  }
}

function ppsMessage(p: PpsReport, waitedMs: number): string {
  const dev = p.device === null ? "no device" : `${p.device}${p.name ? ` (${p.name})` : ""}`;
  const via = p.source === null
    ? ""
    : p.source === "sysfs"
    ? ", read via the sysfs fallback (the device node is not readable)"
    : ", read via PPS_FETCH";
  const waited = p.source === null
    ? ""
    : `; ${p.pulses_seen} pulses seen in ${(waitedMs / 1000).toFixed(1)} s of waiting`;
  const iv = p.interval_mean_ns === null
    ? ""
    : `, interval ${(p.interval_mean_ns / 1e6).toFixed(3)} ms${
      p.interval_jitter_ns === null ? "" : ` ± ${p.interval_jitter_ns} ns`
    }`;
  return `${p.state}: ${dev}${via}${waited}${iv}`;
}

/** The kernel's maximum-error cap, µs (16 s): reached when nothing updates the clock. */
export const MAXERROR_CAP_US = 16_000_000;

/** The kernel clock lines: synchronization and error bounds, leap second, TAI offset. */
export function kernelLines(status: NtpStatus): CheckLine[] {
  const k = status.kernel;
  if (k === null) {
    return [line(
      "kernel",
      "FAIL",
      `Cannot read the kernel clock state: ${status.kernel_error}`,
      "ntp_adjtime with modes = 0 needs no privilege; check that the process may call it (seccomp, container runtime).",
    )];
  }
  const bounds =
    `max error ${k.max_error_us} µs, est error ${k.est_error_us} µs, offset ${k.offset_ns} ns, frequency ${
      k.frequency_ppm.toFixed(3)
    } ppm, status ${k.status} [${k.status_flags.join(" ")}]`;
  const lines: CheckLine[] = [
    k.synchronized ? line("kernel", "OK", `synchronized (${k.clock_state}): ${bounds}`) : line(
      "kernel",
      "WARN",
      `unsynchronized (${k.clock_state}): ${bounds}`,
      "No daemon disciplines the kernel clock (STA_UNSYNC is set). Start NTPsec (systemctl start ntpsec) or chrony (systemctl start chrony) and check it with ntpq -p / chronyc tracking.",
    ),
  ];
  if (k.synchronized && k.max_error_us >= MAXERROR_CAP_US) {
    lines.push(line(
      "kernel",
      "WARN",
      `the kernel's maximum error is at its ${MAXERROR_CAP_US / 1e6} s cap`,
      "The daemon stopped updating the kernel's error bound; restart it and check its log.",
    ));
  }
  lines.push(
    k.leap === "none"
      ? line("kernel", "OK", "no leap second armed")
      : line("kernel", "OK", `leap second armed: ${k.leap} at the end of this UTC day`),
  );
  lines.push(
    k.tai_offset_s !== 0 ? line("kernel", "OK", `TAI − UTC = ${k.tai_offset_s} s`) : line(
      "kernel",
      "WARN",
      "TAI − UTC is 0: no daemon set the kernel's TAI offset, so CLOCK_TAI equals UTC",
      "Give the daemon a leap-second file: NTPsec 'leapfile /usr/share/zoneinfo/leap-seconds.list'; chrony 'leapsectz right/UTC'.",
    ),
  );
  return lines;
}

/** The summary of what disciplines the clock, from the status object. */
export function clockLines(status: NtpStatus): CheckLine[] {
  const msg =
    `source ${status.source}, hardware clock ${status.hardware_clock}, SHM ${status.shm_interface}${
      status.shm_valid ? " with fresh samples" : ""
    }, PPS ${status.pps_enabled ? "active" : "inactive"}`;
  return [
    status.hardware_clock === "none"
      ? line(
        "clock",
        "WARN",
        msg,
        "No hardware clock: neither PPS pulses nor fresh SHM samples. Connect a GPS receiver, run gpsd (it writes SHM units 0-7), and point NTPsec or chrony at the unit (see the README's SHM configuration).",
      )
      : line("clock", "OK", msg),
  ];
}

/** The result of the in-process MCP handshake. */
export interface HandshakeResult {
  /** Server name and version from `initialize`, or null when it failed. */
  server: { name: string; version: string } | null;
  /** The negotiated protocol version. */
  protocolVersion: string | null;
  /** Each tool called, with its outcome. */
  tools: { name: string; ok: boolean; ms: number; error: string | null }[];
  /** Why the handshake failed as a whole; null when it completed. */
  error: string | null;
}

/** The MCP lines: the handshake and one line per tool called. */
export function handshakeLines(h: HandshakeResult): CheckLine[] {
  if (h.error !== null || h.server === null) {
    return [line(
      "mcp",
      "FAIL",
      `Cannot complete the in-process MCP handshake: ${h.error ?? "no server info"}`,
      "This is a defect of mcp-utc-time: report it with the output of --check --json.",
    )];
  }
  const lines = [
    line(
      "mcp",
      "OK",
      `initialize: ${h.server.name} ${h.server.version}, protocol ${h.protocolVersion}, ${h.tools.length} tools listed`,
    ),
  ];
  for (const t of h.tools) {
    lines.push(
      t.ok ? line("mcp", "OK", `tools/call ${t.name}: answered in ${t.ms.toFixed(1)} ms`) : line(
        "mcp",
        "FAIL",
        `tools/call ${t.name}: ${t.error}`,
        "If the error names a file or permission, fix that; otherwise it is a defect of mcp-utc-time: report it with the output of --check --json.",
      ),
    );
  }
  return lines;
}

/** 0 when every line is OK, 2 when FFI cannot be bound, else 1. */
export function exitCode(lines: readonly CheckLine[]): ExitCode {
  if (lines.some((l) => l.section === "ffi" && l.level === "FAIL")) return 2;
  return lines.every((l) => l.level === "OK") ? 0 : 1;
}

/** Assembles the report. */
export function buildReport(
  name: string,
  version: string,
  lines: CheckLine[],
  status: NtpStatus | null,
  durationMs: number,
): CheckReport {
  const code = exitCode(lines);
  const counts: Record<Level, number> = { OK: 0, WARN: 0, FAIL: 0 };
  for (const l of lines) counts[l.level]++;
  return {
    name,
    version,
    result: code === 0 ? "healthy" : code === 1 ? "degraded" : "cannot_run",
    exit_code: code,
    duration_ms: Math.round(durationMs),
    counts,
    lines,
    status,
  };
}

/** The report as text: one line per fact, the fix indented under it, a summary last. */
export function formatText(r: CheckReport): string {
  const out = [`${r.name} ${r.version} --check`];
  for (const l of r.lines) {
    out.push(`${l.level.padEnd(4)}  ${l.section.padEnd(8)}  ${l.message}`);
    if (l.fix !== null) out.push(`${" ".repeat(16)}fix: ${l.fix}`);
  }
  out.push(
    `${r.result} (exit ${r.exit_code}): ${r.counts.OK} OK, ${r.counts.WARN} WARN, ${r.counts.FAIL} FAIL in ${
      (r.duration_ms / 1000).toFixed(1)
    } s`,
  );
  return out.join("\n") + "\n";
}

function line(
  section: Section,
  level: Level,
  message: string,
  fix: string | null = null,
): CheckLine {
  return { section, level, message, fix };
}
