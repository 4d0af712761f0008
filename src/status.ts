/**
 * The status object of `get_ntp_status` (and of the `time://status` resource and `--check`), and
 * the facts derived from it: what disciplines the clock now (`source`), whether an SHM segment is
 * attached and has fresh samples, whether PPS pulses arrive, and which hardware clock is in use.
 * Pure: built from the monitors' reports and the kernel state passed in.
 *
 * @module
 */
import { monotonicMs } from "./ffi/clock.ts";
import { type KernelClock, STA } from "./kernel/timex.ts";
import type { PpsReport } from "./pps/report.ts";
import type { UnitReport } from "./shm/report.ts";

/** The kernel clock state (`ntp_adjtime`, modes = 0), as reported. */
export interface KernelReport {
  /** `STA_UNSYNC` clear and the call did not return `TIME_ERROR`. */
  synchronized: boolean;
  /** `ntp_adjtime`'s return value by name: `TIME_OK`, `TIME_INS`, …, `TIME_ERROR`. */
  clock_state: string;
  /** Raw `status`, hex (e.g. "0x2001"). */
  status: string;
  /** Names of the set `status` bits (e.g. ["PLL", "NANO"]). */
  status_flags: string[];
  /** Current offset, ns. */
  offset_ns: number;
  /** Frequency offset, ppm. */
  frequency_ppm: number;
  /** Maximum error, µs (the kernel grows it by 500 ppm while no daemon updates it; 16 s cap). */
  max_error_us: number;
  /** Estimated error, µs. */
  est_error_us: number;
  /** PLL time constant (log2-ish poll interval). */
  time_constant: number;
  /** Clock precision, µs. */
  precision_us: number;
  /** TAI − UTC, s (0 when no daemon set it). */
  tai_offset_s: number;
  /** Leap second armed in the kernel at the end of the UTC day. */
  leap: "none" | "insert" | "delete";
}

/** What `get_ntp_status` returns. */
export interface NtpStatus {
  /** What disciplines the clock now: "PPS", "SHM(N) GPS", "NTP" or "unsynchronized". */
  source: string;
  /** The kernel clock is synchronized; false also when its state could not be read. */
  synchronized: boolean;
  /** "connected" when at least one watched SHM unit is attached, else "disconnected". */
  shm_interface: "connected" | "disconnected";
  /** Some watched unit has a sample younger than the stale limit (state `ok`). */
  shm_valid: boolean;
  /** The PPS source is `active` (an assert within its stale limit, 2 s). */
  pps_enabled: boolean;
  /** "PPS active", "GPS via SHM(N)" or "none". */
  hardware_clock: string;
  /** One entry per watched SHM unit. */
  shm: UnitReport[];
  /** The PPS source. */
  pps: PpsReport;
  /** The kernel clock state; null when it could not be read (see `kernel_error`). */
  kernel: KernelReport | null;
  /** Why the kernel state could not be read; null when it was. */
  kernel_error: string | null;
}

/** Where the status comes from. */
export interface StatusSources {
  /** The SHM monitor. */
  shm: { report(): UnitReport[] };
  /** The PPS monitor (`kernel`: the kernel state already read for this status, if any). */
  pps: { report(kernel?: KernelClock | Error): PpsReport };
  /** Reads the kernel clock state now (`readKernelClock`). */
  kernel: () => KernelClock;
}

/** The kernel state read now, or the reason it could not be read. */
export type KernelRead = { clock: KernelClock; error: null } | { clock: null; error: string };

/** Reads the kernel state, turning a failure into its message. */
export function readKernel(read: () => KernelClock): KernelRead {
  try {
    return { clock: read(), error: null };
  } catch (e) {
    return { clock: null, error: (e as Error).message };
  }
}

/** The kernel state in the report's (snake_case) form. */
export function kernelReport(k: KernelClock): KernelReport {
  return {
    synchronized: k.synchronized,
    clock_state: k.clockState,
    status: `0x${k.status.toString(16).padStart(4, "0")}`,
    status_flags: k.statusFlags,
    offset_ns: k.offsetNs,
    frequency_ppm: k.frequencyPpm,
    max_error_us: k.maxErrorUs,
    est_error_us: k.estErrorUs,
    time_constant: k.constant,
    precision_us: k.precisionUs,
    tai_offset_s: k.taiOffsetS,
    leap: k.leap,
  };
}

/** Units whose segment is attached (a sample may or may not be there). */
const ATTACHED_STATES: ReadonlySet<string> = new Set(["ok", "stale", "not_ready", "bad_mode"]);

/** The lowest watched unit with a fresh sample, or null. */
export function freshUnit(units: readonly UnitReport[]): number | null {
  let best: number | null = null;
  for (const u of units) if (u.state === "ok" && (best === null || u.unit < best)) best = u.unit;
  return best;
}

/** The kernel disciplines the clock to PPS: STA_PPSTIME or STA_PPSFREQ, with STA_PPSSIGNAL. */
export function kernelPpsDiscipline(k: KernelClock): boolean {
  return (k.status & STA.PPSSIGNAL) !== 0 && (k.status & (STA.PPSTIME | STA.PPSFREQ)) !== 0;
}

/**
 * What disciplines the clock now. In order:
 * - kernel unsynchronized (or unreadable) → "unsynchronized": nothing disciplines it;
 * - the kernel's PPS discipline is on ({@linkcode kernelPpsDiscipline}), or the PPS source is
 *   active while an SHM unit has a fresh sample (a GPS with PPS feeding the daemon) → "PPS";
 * - an SHM unit has a fresh sample → "SHM(N) GPS" (N = the lowest such unit);
 * - otherwise → "NTP" (the daemon follows network servers, or another source we cannot see).
 */
export function clockSource(
  kernel: KernelClock | null,
  facts: SourceFacts,
): string {
  if (kernel === null || !kernel.synchronized) return "unsynchronized";
  const unit = facts.freshUnit;
  if (kernelPpsDiscipline(kernel) || (facts.ppsActive && unit !== null)) return "PPS";
  if (unit !== null) return `SHM(${unit}) GPS`;
  return "NTP";
}

/** "PPS active" when PPS pulses arrive, else "GPS via SHM(N)" for a fresh unit, else "none". */
export function hardwareClock(units: readonly UnitReport[], ppsActive: boolean): string {
  if (ppsActive) return "PPS active";
  const unit = freshUnit(units);
  return unit === null ? "none" : `GPS via SHM(${unit})`;
}

/** Builds the status object from reports taken now. */
export function buildStatus(
  shm: UnitReport[],
  pps: PpsReport,
  kernel: KernelRead,
): NtpStatus {
  const ppsActive = pps.state === "active";
  return {
    source: clockSource(kernel.clock, { freshUnit: freshUnit(shm), ppsActive }),
    synchronized: kernel.clock?.synchronized ?? false,
    shm_interface: shm.some((u) => ATTACHED_STATES.has(u.state)) ? "connected" : "disconnected",
    shm_valid: freshUnit(shm) !== null,
    pps_enabled: ppsActive,
    hardware_clock: hardwareClock(shm, ppsActive),
    shm,
    pps,
    kernel: kernel.clock === null ? null : kernelReport(kernel.clock),
    kernel_error: kernel.error,
  };
}

/** Reads every source now and builds the status object. */
export function ntpStatus(sources: StatusSources): NtpStatus {
  const kernel = readKernel(sources.kernel); // once: the PPS report shows the same reading
  const pps = sources.pps.report(kernel.clock ?? new Error(kernel.error));
  return buildStatus(sources.shm.report(), pps, kernel);
}

/**
 * The facts a subscriber is notified about (`synchronized`, `shm_valid`, `pps_enabled`,
 * `hardware_clock`), as one comparable string.
 */
export function statusFingerprint(s: NtpStatus): string {
  return `${s.synchronized}|${s.shm_valid}|${s.pps_enabled}|${s.hardware_clock}`;
}

/** The monitor facts `source` depends on. */
export interface SourceFacts {
  /** Lowest watched unit with a fresh sample, or null. */
  freshUnit: number | null;
  /** The PPS source is active. */
  ppsActive: boolean;
}

/**
 * The monitor facts behind `source`, re-read at most every `maxAgeMs` (the SHM sampler's period:
 * they cannot change faster than the samplers read). Keeps `get_utc_time` from building every
 * unit's and the PPS report on each call; the kernel state is still read per call.
 */
export class SourceFactsCache {
  readonly #sources: StatusSources;
  readonly #maxAgeMs: number;
  #facts: SourceFacts = { freshUnit: null, ppsActive: false };
  #readAtMs = -Infinity;

  constructor(sources: StatusSources, maxAgeMs: number) {
    this.#sources = sources;
    this.#maxAgeMs = maxAgeMs;
  }

  /** The facts, re-read when older than `maxAgeMs`. */
  get(): SourceFacts {
    const now = monotonicMs();
    if (now - this.#readAtMs >= this.#maxAgeMs) {
      this.#facts = {
        freshUnit: freshUnit(this.#sources.shm.report()),
        ppsActive: this.#sources.pps.report().state === "active",
      };
      this.#readAtMs = now;
    }
    return this.#facts;
  }
}
