/**
 * `get_ntp_status`: the whole timing stack — SHM units, PPS, kernel clock — and the facts derived
 * from it (see `../status.ts`).
 *
 * @module
 */
import type { McpServer } from "../sdk.ts";
import { z } from "zod";
import type { ServerDeps } from "../deps.ts";
import { ntpStatus } from "../status.ts";
import { READ_ONLY, toolResult } from "./result.ts";

const num = z.number();
const numOrNull = z.number().nullable();
const strOrNull = z.string().nullable();

const SAMPLE = z.object({
  reference_time: z.string().describe("Reference (e.g. GPS) time, ISO 8601 UTC with ns"),
  reference_unix_ns: z.string(),
  receive_time: z.string().describe("System clock when the writer took the sample"),
  receive_unix_ns: z.string(),
  offset_ns: num.describe("reference − receive, ns"),
  leap: z.string(),
  precision: num.describe("Writer's precision, log2 s"),
  nsamples: num,
  mode: num,
  count: num,
  ns_precision: z.boolean(),
  age_ms: num.describe("Now − receive time, ms"),
});

const UNIT = z.object({
  unit: num,
  key: z.string().describe('SysV key, hex (e.g. "0x4e545030")'),
  state: z.enum([
    "ok",
    "stale",
    "not_ready",
    "bad_mode",
    "bad_size",
    "no_segment",
    "permission_denied",
    "error",
  ]),
  detail: z.string().describe("What the state means and what to do"),
  permissions: strOrNull,
  owner_uid: numOrNull,
  owner_gid: numOrNull,
  size: numOrNull,
  attach_count: numOrNull,
  last_sample: SAMPLE.nullable(),
  stats: z.object({
    samples_seen: num,
    window: num,
    mean_offset_ns: numOrNull,
    jitter_ns: numOrNull,
    min_offset_ns: numOrNull,
    max_offset_ns: numOrNull,
    clashes: num,
    clash_failures: num,
    attaches: num,
  }),
});

const PPS = z.looseObject({
  device: strOrNull.describe("The PPS device, e.g. /dev/pps0; null when none or disabled"),
  state: z.enum([
    "active",
    "no_pulses",
    "stale",
    "no_device",
    "permission_denied",
    "disabled",
    "error",
  ]),
  detail: z.string().describe("What the state means and what to do"),
  source: z.enum(["ioctl", "sysfs"]).nullable().describe("How pulses are read"),
}).describe("The PPS source (all fields: README, section Tools and status fields)");

const KERNEL = z.object({
  synchronized: z.boolean(),
  clock_state: z.string(),
  status: z.string(),
  status_flags: z.array(z.string()),
  offset_ns: num,
  frequency_ppm: num,
  max_error_us: num,
  est_error_us: num,
  time_constant: num,
  precision_us: num,
  tai_offset_s: num,
  leap: z.enum(["none", "insert", "delete"]),
});

/** The zod shape of `NtpStatus` (the tool's `outputSchema`). */
export const NTP_STATUS_SHAPE = {
  source: z.string().describe(
    'What disciplines the clock: "PPS", "SHM(N) GPS", "NTP", "unsynchronized"',
  ),
  synchronized: z.boolean().describe("The kernel clock is synchronized"),
  shm_interface: z.enum(["connected", "disconnected"]).describe(
    "Some watched SHM unit is attached",
  ),
  shm_valid: z.boolean().describe("Some watched SHM unit has a non-stale sample"),
  pps_enabled: z.boolean().describe("PPS pulses arrive (state active)"),
  hardware_clock: z.string().describe('"PPS active", "GPS via SHM(N)" or "none"'),
  shm: z.array(UNIT).describe("One entry per watched SHM unit"),
  pps: PPS,
  kernel: KERNEL.nullable().describe(
    "The kernel clock (ntp_adjtime, read only); null when unreadable",
  ),
  kernel_error: strOrNull.describe("Why the kernel state could not be read"),
};

/** Registers `get_ntp_status`. */
export function registerGetNtpStatusTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    "get_ntp_status",
    {
      title: "NTP / GPS / PPS status",
      description:
        "The state of this machine's timing stack: each watched NTP shared-memory segment (written by gpsd, read by NTPsec/chrony) with its last sample and offset statistics, the PPS device and its pulses, and the kernel clock discipline (synchronized, offset, frequency, error bounds, leap, TAI). Each problem comes with what it means and how to fix it. Use it to judge or diagnose the time source.",
      annotations: READ_ONLY,
      outputSchema: NTP_STATUS_SHAPE,
    },
    () => toolResult(ntpStatus(deps)),
  );
}
