/**
 * The PPS report: state, source, last assert, pulse statistics, the kernel's PPS bits and — for
 * every state — what it means and what to do. Pure: built from the monitor's facts.
 *
 * @module
 */
import { diffNs, isoUtc, type Timestamp, unixNsString } from "../shm/decode.ts";
import type { KernelClock } from "../kernel/timex.ts";
import { offsetStats } from "../stats.ts";
import { ppsModeNames, type PpsParams } from "./decode.ts";
import type { PulseHistory } from "./history.ts";
import { PPS_MODE } from "./layout.ts";
import type { FileOwner } from "./statx.ts";
import type { PpsSysfsEntry } from "./sysfs.ts";

/** What the PPS source is doing now. */
export type PpsState =
  | "active"
  | "no_pulses"
  | "stale"
  | "no_device"
  | "permission_denied"
  | "disabled"
  | "error";

/** The kernel's PPS discipline bits from `ntp_adjtime` (modes = 0). */
export interface KernelPpsReport {
  /** `STA_PPSSIGNAL`: the kernel's hardpps() receives a valid PPS signal. */
  pps_signal: boolean;
  /** `STA_PPSTIME`: the kernel disciplines the clock's phase to PPS. */
  pps_time: boolean;
  /** `STA_PPSFREQ`: the kernel disciplines the clock's frequency to PPS. */
  pps_freq: boolean;
  /** `STA_PPSJITTER`: the kernel saw excessive PPS jitter. */
  pps_jitter: boolean;
  /** `STA_PPSWANDER`: the kernel saw excessive PPS frequency wander. */
  pps_wander: boolean;
  /** `STA_PPSERROR`: the kernel's PPS calibration failed. */
  pps_error: boolean;
  /** The kernel's PPS jitter estimate, ns (`timex.jitter`; 0 unless hardpps runs). */
  pps_jitter_ns: number;
  /** The kernel's PPS frequency estimate, ppm (`timex.ppsfreq`; 0 unless hardpps runs). */
  pps_frequency_ppm: number;
  /** What the bits mean here. */
  detail: string;
}

/** The PPS part of the server's status. */
export interface PpsReport {
  /** The PPS device node, e.g. `/dev/pps0`; null when none is found or PPS is disabled. */
  device: string | null;
  /** The driver's name for the source (sysfs `name`), e.g. `pps@12.-1` (pps-gpio), `parport0`. */
  name: string | null;
  /** What the source is attached to (sysfs `path`, e.g. `/dev/ttyAMA0`); null when empty. */
  path: string | null;
  /**
   * How events are read: `ioctl` (`PPS_FETCH` on the device), `sysfs` (the world-readable
   * `/sys/class/pps/ppsN/assert`, used when the device cannot be opened), or null (not read).
   */
  source: "ioctl" | "sysfs" | null;
  /**
   * `active`: an assert within `stale_after_ms`; `no_pulses`: the device has recorded no assert
   * (or does not capture asserts); `stale`: the last assert is older than `stale_after_ms`;
   * `no_device`: no PPS device; `permission_denied`: neither the device nor its sysfs entry is
   * readable; `disabled`: `--pps-device none`; `error`: anything else (see `detail`).
   */
  state: PpsState;
  /** What the state means and, when something is wrong or degraded, what to do. */
  detail: string;
  /** Why `source` is not `ioctl` (the failed open/ioctl, with errno); null when ioctl works. */
  ioctl_error: string | null;
  /** `PPS_GETCAP` bit names (e.g. `CAPTUREASSERT`, `CANWAIT`, `TSFMT_TSPEC`); null unless ioctl. */
  capabilities: string[] | null;
  /** `PPS_GETPARAMS` mode bit names in force (e.g. `CAPTUREASSERT`); null unless ioctl. */
  mode: string[] | null;
  /** The kernel's assert counter at the last assert read (u32); null before any. */
  assert_sequence: number | null;
  /** System time (CLOCK_REALTIME) of the last assert edge, ISO 8601 UTC with ns. */
  last_assert_time: string | null;
  /** The same, integer ns since the epoch, as a string. */
  last_assert_unix_ns: string | null;
  /** Now − last assert, ms. */
  age_ms: number | null;
  /** A last assert older than this is `stale`, ms. */
  stale_after_ms: number;
  /** Distinct asserts read since the server started (the first may predate the start). */
  pulses_seen: number;
  /** Intervals the interval statistics cover (consecutive pulses among the last 64). */
  interval_window: number;
  /** Mean time between consecutive asserts, ns (≈ 1e9). */
  interval_mean_ns: number | null;
  /** RMS of successive interval differences, ns (null with fewer than 2 intervals). */
  interval_jitter_ns: number | null;
  /** Shortest interval in the window, ns. */
  interval_min_ns: number | null;
  /** Longest interval in the window, ns. */
  interval_max_ns: number | null;
  /** Asserts the edge statistics cover (the last 64). */
  edge_window: number;
  /**
   * Mean offset of the assert edge from the system clock's nearest whole second, ns, in
   * [−5e8, 5e8): positive = the edge came after the system's second (the system clock runs
   * ahead of the pulse, or the pulse has latency).
   */
  edge_offset_mean_ns: number | null;
  /** RMS of successive edge-offset differences, ns (null with fewer than 2 asserts). */
  edge_offset_jitter_ns: number | null;
  /** Seconds without an assert since the start (intervals ≫ 1 s not explained by sequences). */
  missed_pulses: number;
  /** Asserts the kernel counted that the sampler did not read (sequence gaps). */
  sequence_gaps: number;
  /** Times the sequence restarted (the source was re-created). */
  restarts: number;
  /** The kernel's PPS bits from `ntp_adjtime`; null when it could not be read (see `detail`). */
  kernel_pps: KernelPpsReport | null;
}

/** What the monitor knows, as the report needs it. */
export interface PpsFacts {
  /** `--pps-device`: `auto`, `none` or a path. */
  configured: string;
  /** Where the monitor stands: disconnected states, or reading through a source. */
  phase: "disabled" | "no_device" | "permission_denied" | "error" | "ioctl" | "sysfs";
  /** The device node chosen. */
  device: string | null;
  /** Its sysfs entry, when there is one. */
  entry: PpsSysfsEntry | null;
  /** Capability bits (ioctl only). */
  capabilities: number | null;
  /** Parameters (ioctl only). */
  params: PpsParams | null;
  /** False when the source reports it does not capture asserts. */
  capturesAssert: boolean;
  /** Why ioctl is not used (set with `sysfs` and `permission_denied`). */
  ioctlError: Error | null;
  /** Why the sysfs fallback is not used either (`permission_denied`), or the `error`. */
  error: Error | null;
  /** Owner and permissions of the device node, when known (for permission advice). */
  nodeStat: FileOwner | null;
  history: PulseHistory;
}

/** How the report should be built. */
export interface PpsReportContext {
  /** CLOCK_REALTIME now. */
  now: Timestamp;
  staleAfterMs: number;
  /** This process's uid. */
  uid: number;
  /** The kernel clock state, or why it could not be read. */
  kernel: KernelClock | Error;
}

/** Builds the PPS report. */
export function ppsReport(f: PpsFacts, ctx: PpsReportContext): PpsReport {
  const last = f.history.last;
  const ageMs = last === null ? null : diffNs(ctx.now, last.time) / 1e6;
  const state = ppsState(f, ageMs, ctx.staleAfterMs);
  const iv = offsetStats(f.history.intervals.toArray());
  const edge = offsetStats(f.history.edgeOffsets.toArray());
  const kernel = ctx.kernel instanceof Error ? null : kernelPps(ctx.kernel);
  const kernelNote = ctx.kernel instanceof Error
    ? ` The kernel's PPS state could not be read: ${ctx.kernel.message}`
    : "";
  return {
    device: f.device,
    name: f.entry?.name ?? null,
    path: f.entry?.path ?? null,
    source: f.phase === "ioctl" || f.phase === "sysfs" ? f.phase : null,
    state,
    detail: explain(f, state, ageMs, ctx) + kernelNote,
    ioctl_error: f.ioctlError?.message ?? null,
    capabilities: f.capabilities === null ? null : ppsModeNames(f.capabilities),
    mode: f.params === null ? null : ppsModeNames(f.params.mode),
    assert_sequence: last?.sequence ?? null,
    last_assert_time: last === null ? null : isoUtc(last.time),
    last_assert_unix_ns: last === null ? null : unixNsString(last.time),
    age_ms: ageMs === null ? null : round3(ageMs),
    stale_after_ms: ctx.staleAfterMs,
    pulses_seen: f.history.pulsesSeen,
    interval_window: iv?.count ?? 0,
    interval_mean_ns: iv === null ? null : round3(iv.meanNs),
    interval_jitter_ns: iv?.jitterNs == null ? null : round3(iv.jitterNs),
    interval_min_ns: iv?.minNs ?? null,
    interval_max_ns: iv?.maxNs ?? null,
    edge_window: edge?.count ?? 0,
    edge_offset_mean_ns: edge === null ? null : round3(edge.meanNs),
    edge_offset_jitter_ns: edge?.jitterNs == null ? null : round3(edge.jitterNs),
    missed_pulses: f.history.missedPulses,
    sequence_gaps: f.history.sequenceGaps,
    restarts: f.history.restarts,
    kernel_pps: kernel,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The state for the facts and the age (ms) of the last assert. */
export function ppsState(f: PpsFacts, ageMs: number | null, staleAfterMs: number): PpsState {
  if (f.phase !== "ioctl" && f.phase !== "sysfs") return f.phase;
  if (ageMs === null || !f.capturesAssert) return "no_pulses";
  return ageMs > staleAfterMs ? "stale" : "active";
}

function kernelPps(k: KernelClock): KernelPpsReport {
  const has = (flag: (typeof k.statusFlags)[number]) => k.statusFlags.includes(flag);
  const signal = has("PPSSIGNAL");
  return {
    pps_signal: signal,
    pps_time: has("PPSTIME"),
    pps_freq: has("PPSFREQ"),
    pps_jitter: has("PPSJITTER"),
    pps_wander: has("PPSWANDER"),
    pps_error: has("PPSERROR"),
    pps_jitter_ns: k.ppsJitterNs,
    pps_frequency_ppm: k.ppsFrequencyPpm,
    detail: signal
      ? "The kernel's hardpps() receives the PPS signal (a daemon bound a source with PPS_KC_BIND)."
      : "No PPS signal in the kernel discipline. That is normal unless a daemon binds the source to the kernel (PPS_KC_BIND: NTPsec's PPS refclock with 'flag3 1', on a kernel built with CONFIG_NTP_PPS); chrony and gpsd read PPS in user space.",
  };
}

/** The fix for ioctl access to a root-only PPS node. */
export function ioctlAccessAdvice(device: string): string {
  const id = device.replace(/^.*\//, "");
  return `For ioctl access (capabilities, and no dependence on sysfs), give a group read access to ${device}: a udev rule /etc/udev/rules.d/60-pps.rules containing 'KERNEL=="${id}", SUBSYSTEM=="pps", GROUP="pps", MODE="0640"', then 'groupadd --system pps; usermod -aG pps <server user>; udevadm control --reload; udevadm trigger --subsystem-match=pps', and restart the server.`;
}

function nodeDescription(f: PpsFacts): string {
  const s = f.nodeStat;
  return s === null
    ? `${f.device}`
    : `${f.device} (mode 0${(s.mode & 0o777).toString(8)}, uid ${s.uid}, gid ${s.gid})`;
}

function explain(
  f: PpsFacts,
  state: PpsState,
  ageMs: number | null,
  ctx: PpsReportContext,
): string {
  const via = f.phase === "sysfs"
    ? ` Read from ${f.entry?.dir}/assert because this process (uid ${ctx.uid}) cannot open ${
      nodeDescription(f)
    }: ${f.ioctlError?.message}. The sysfs file carries the same assert times and sequence numbers, but no capabilities. ${
      ioctlAccessAdvice(f.device ?? "/dev/pps0")
    }`
    : f.phase === "ioctl"
    ? ` Read with PPS_FETCH on ${f.device}.`
    : "";
  const last = f.history.last;
  switch (state) {
    case "active":
      return `Pulses arrive: the last assert (sequence ${last!.sequence}) is ${
        (ageMs! / 1000).toFixed(3)
      } s old.${via}`;
    case "stale":
      return `The last assert (sequence ${last!.sequence}) is ${
        (ageMs! / 1000).toFixed(1)
      } s old (limit ${
        ctx.staleAfterMs / 1000
      } s): the pulses stopped. A GPS receiver stops its PPS output without a fix; check the antenna, the receiver (gpsd: cgps) and the wiring to the PPS pin.${via}`;
    case "no_pulses":
      return (f.capturesAssert
        ? `${f.device} exists but has recorded no assert edge since it appeared. Check that the receiver has a fix (most emit PPS only then), the wiring, and the GPIO pin in dtoverlay=pps-gpio,gpiopin=N.`
        : `${f.device} does not capture assert edges (its mode lacks CAPTUREASSERT), so there is nothing to report.`) +
        via;
    case "no_device":
      return f.configured === "auto"
        ? `No PPS device: ${"/sys/class/pps"} lists none. On a Raspberry Pi add 'dtoverlay=pps-gpio,gpiopin=18' (your PPS pin) to /boot/firmware/config.txt and reboot; the pps_gpio module then creates /dev/pps0. Elsewhere load the PPS client driver (pps_ldisc for a serial DCD line, pps_parport). Run with --pps-device none to turn PPS off.`
        : `${f.configured} does not exist${
          f.error === null ? "" : ` (${f.error.message})`
        }. Check --pps-device, or use --pps-device auto to take the first source in /sys/class/pps.`;
    case "permission_denied":
      return `This process (uid ${ctx.uid}) cannot open ${nodeDescription(f)}: ${
        f.ioctlError?.message ?? "permission denied"
      }; and the sysfs fallback is unavailable: ${
        f.error?.message ?? "the device has no sysfs entry"
      }. ${ioctlAccessAdvice(f.device ?? "/dev/pps0")}`;
    case "disabled":
      return "PPS is disabled (--pps-device none). Use --pps-device auto or a path such as /dev/pps0 to read it.";
    case "error":
      return `${
        f.error?.message ?? "Unknown error."
      } Check that ${f.device} is a kernel PPS device (ls /sys/class/pps).`;
  }
}

/** Whether the mode bits include assert capture. */
export function capturesAssert(mode: number): boolean {
  return (mode & PPS_MODE.CAPTUREASSERT) !== 0;
}
