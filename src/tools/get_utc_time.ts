/**
 * `get_utc_time`: the system clock (CLOCK_REALTIME via clock_gettime) with the kernel's error
 * bound and what disciplines the clock now.
 *
 * @module
 */
import type { McpServer } from "../sdk.ts";
import { z } from "zod";
import { DEFAULT_STATUS_POLL_MS, type ServerDeps } from "../deps.ts";
import { isoUtc, type Timestamp, unixNsString } from "../shm/decode.ts";
import {
  clockSource,
  freshUnit,
  readKernel,
  type SourceFacts,
  SourceFactsCache,
} from "../status.ts";
import { READ_ONLY, toolResult } from "./result.ts";
import type { KernelClock } from "../kernel/timex.ts";

/** What `get_utc_time` returns. */
export interface UtcTime {
  utc: string;
  unix_ns: string;
  unix_seconds: number;
  source: string;
  synchronized: boolean;
  clock_state: string | null;
  max_error_us: number | null;
  est_error_us: number | null;
  leap: "none" | "insert" | "delete" | null;
  tai_offset_s: number | null;
  note: string;
}

const OUTPUT = {
  utc: z.string().describe(
    "The time, ISO 8601 UTC with 9 fractional digits, e.g. 2026-11-24T06:45:00.123456789Z",
  ),
  unix_ns: z.string().describe(
    "The same instant as an integer count of ns since 1970-01-01T00:00:00Z (a decimal string)",
  ),
  unix_seconds: z.number().describe(
    "The same instant in seconds since the epoch (a float: µs resolution at best)",
  ),
  source: z.string().describe(
    'What disciplines the clock now: "PPS", "SHM(N) GPS", "NTP" or "unsynchronized"',
  ),
  synchronized: z.boolean().describe(
    "The kernel clock is synchronized (STA_UNSYNC clear, state not TIME_ERROR)",
  ),
  clock_state: z.string().nullable().describe(
    "ntp_adjtime's clock state (TIME_OK, TIME_INS, TIME_DEL, TIME_OOP, TIME_WAIT, TIME_ERROR); null when unreadable",
  ),
  max_error_us: z.number().nullable().describe(
    "The kernel's maximum error, µs; null only when the kernel state could not be read (see note)",
  ),
  est_error_us: z.number().nullable().describe(
    "The kernel's estimated error, µs; null only when the kernel state could not be read",
  ),
  leap: z.enum(["none", "insert", "delete"]).nullable().describe(
    "Leap second armed in the kernel for the end of this UTC day",
  ),
  tai_offset_s: z.number().nullable().describe(
    "TAI − UTC, s, as the kernel holds it (0 when no daemon set it)",
  ),
  note: z.string().describe("How far to trust the time, in words"),
};

/** The sentence that says how far to trust the time. */
export function trustNote(
  k: KernelClock | null,
  kernelError: string | null,
  source: string,
): string {
  if (k === null) {
    return `The kernel clock state could not be read (${kernelError}): the time is the system clock's, with no error bound.`;
  }
  if (!k.synchronized) {
    const unsync = k.statusFlags.includes("UNSYNC") ? " with STA_UNSYNC set" : "";
    return `NOT synchronized: the kernel reports clock state ${k.clockState}${unsync}; no time source disciplines this clock. max_error_us and est_error_us are the kernel's own numbers (it caps them at 16 s) and bound nothing. Start or fix the time daemon (chronyd, ntpd) and its sources.`;
  }
  return `Synchronized via ${source}: the kernel bounds the clock error at ±${k.maxErrorUs} µs (estimated ${k.estErrorUs} µs).`;
}

/**
 * The time `now` (default: the clock read now) with the kernel state read now and the monitors'
 * facts (default: read now).
 */
export function utcTime(
  deps: ServerDeps,
  now: Timestamp = deps.clock(),
  facts: SourceFacts = {
    freshUnit: freshUnit(deps.shm.report()),
    ppsActive: deps.pps.report().state === "active",
  },
): UtcTime {
  const kernel = readKernel(deps.kernel);
  const k = kernel.clock;
  const source = clockSource(k, facts);
  return {
    utc: isoUtc(now),
    unix_ns: unixNsString(now),
    unix_seconds: now.sec + now.nsec / 1e9,
    source,
    synchronized: k?.synchronized ?? false,
    clock_state: k?.clockState ?? null,
    max_error_us: k?.maxErrorUs ?? null,
    est_error_us: k?.estErrorUs ?? null,
    leap: k?.leap ?? null,
    tai_offset_s: k?.taiOffsetS ?? null,
    note: trustNote(k, kernel.error, source),
  };
}

/** Registers `get_utc_time`. */
export function registerGetUtcTimeTool(server: McpServer, deps: ServerDeps): void {
  const facts = new SourceFactsCache(deps, deps.statusPollMs ?? DEFAULT_STATUS_POLL_MS);
  server.registerTool("get_utc_time", {
    title: "UTC time with error bound",
    description:
      "The current UTC time from this machine's system clock (clock_gettime), with nanoseconds, the kernel's maximum and estimated error, whether the clock is synchronized and what disciplines it (PPS, a GPS via NTP shared memory, NTP, or nothing). Use it whenever you need the current time; trust it to within max_error_us only when synchronized is true.",
    annotations: READ_ONLY,
    outputSchema: OUTPUT,
  }, () => toolResult(utcTime(deps, deps.clock(), facts.get())));
}
