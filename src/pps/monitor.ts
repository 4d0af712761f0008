/**
 * The PPS monitor: finds the PPS source (`--pps-device auto|none|PATH`), reads it through
 * `PPS_FETCH` (zero timeout) or, when the device node is root-only, through the world-readable
 * sysfs `assert` file, and samples it in the background so every pulse lands in the history.
 *
 * @module
 */
import { clockGettime, monotonicMs } from "../ffi/clock.ts";
import { SyscallError } from "../ffi/errno.ts";
import { fileOwner } from "../ffi/file.ts";
import { PpsDevice } from "../ffi/pps.ts";
import { currentUid } from "../ffi/system.ts";
import { readKernelClock } from "../kernel/read.ts";
import type { KernelClock } from "../kernel/timex.ts";
import { PulseHistory } from "./history.ts";
import { capturesAssert, type PpsFacts, type PpsReport, ppsReport } from "./report.ts";
import { listPpsSources, type PpsSysfsEntry, readSysfsAssert, sysfsEntry } from "./sysfs.ts";

export type { PpsReport, PpsState } from "./report.ts";

/** An assert older than this is stale, ms (the "a pulse within 2 s"). */
export const DEFAULT_PPS_STALE_AFTER_MS = 2_000;
/** Sampler period, ms: several polls per pulse, so no assert goes unread. */
export const DEFAULT_PPS_POLL_MS = 200;
/** How often a missing or unreadable source is looked for again, ms. */
export const PPS_RETRY_MS = 1_000;

/** Monitor options. */
export interface PpsMonitorOptions {
  /** `auto` (the first source in /sys/class/pps), `none` (disabled) or a device path. */
  device: "auto" | "none" | string;
  staleAfterMs?: number;
  pollMs?: number;
}

/** The sysfs entry of a device path by its name (`/dev/pps0` → `/sys/class/pps/pps0`), if any. */
function entryForPath(device: string): PpsSysfsEntry | null {
  try {
    return sysfsEntry(device.replace(/^.*\//, ""));
  } catch {
    return null; // an unreadable entry offers no fallback
  }
}

function nodeStat(device: string): PpsFacts["nodeStat"] {
  try {
    return fileOwner(device);
  } catch {
    return null; // the advice then names the node without its owner
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** The kernel clock state read now, or the error that prevented it. */
function readKernelOrError(): KernelClock | Error {
  try {
    return readKernelClock();
  } catch (e) {
    return asError(e);
  }
}

/** Watches one PPS source read-only; dispose to stop and close the device. */
export class PpsMonitor implements Disposable {
  readonly staleAfterMs: number;
  readonly pollMs: number;
  readonly #facts: PpsFacts;
  readonly #uid: number;
  #dev: PpsDevice | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #retryAtMs = -Infinity;

  /** @throws {RangeError} for an empty device or non-positive periods. */
  constructor(opts: PpsMonitorOptions) {
    if (opts.device === "") throw new RangeError("Cannot watch PPS: the device path is empty");
    this.staleAfterMs = opts.staleAfterMs ?? DEFAULT_PPS_STALE_AFTER_MS;
    this.pollMs = opts.pollMs ?? DEFAULT_PPS_POLL_MS;
    if (!(this.staleAfterMs > 0) || !(this.pollMs > 0)) {
      throw new RangeError("Cannot start PPS monitor: periods must be positive");
    }
    this.#uid = currentUid();
    this.#facts = {
      configured: opts.device,
      phase: opts.device === "none" ? "disabled" : "no_device",
      device: null,
      entry: null,
      capabilities: null,
      params: null,
      capturesAssert: true,
      ioctlError: null,
      error: null,
      nodeStat: null,
      history: new PulseHistory(),
    };
  }

  /** Distinct asserts read so far. */
  get pulsesSeen(): number {
    return this.#facts.history.pulsesSeen;
  }

  /** Finds and opens the source when not reading one (at most every {@linkcode PPS_RETRY_MS}), then reads it once. Never throws. */
  poll(): void {
    const f = this.#facts;
    if (f.phase === "disabled") return;
    try {
      if (f.phase !== "ioctl" && f.phase !== "sysfs") {
        const now = monotonicMs();
        if (now < this.#retryAtMs) return;
        this.#retryAtMs = now + PPS_RETRY_MS;
        this.#connect();
      }
      this.#read();
    } catch (e) {
      this.#fail("error", asError(e));
    }
  }

  #connect(): void {
    const f = this.#facts;
    f.capabilities =
      f.params =
      f.ioctlError =
      f.error =
      f.nodeStat =
        null;
    f.capturesAssert = true;
    if (f.configured === "auto") {
      const first = listPpsSources()[0];
      if (first === undefined) {
        f.phase = "no_device";
        f.device = f.entry = null;
        return;
      }
      f.device = first.device;
      f.entry = first;
    } else {
      f.device = f.configured;
      f.entry = entryForPath(f.configured);
    }
    try {
      const dev = PpsDevice.open(f.device);
      try {
        f.capabilities = dev.capabilities();
        f.params = dev.params();
      } catch (e) {
        dev[Symbol.dispose]();
        throw e;
      }
      this.#dev = dev;
      f.capturesAssert = capturesAssert(f.params.mode);
      f.phase = "ioctl";
    } catch (e) {
      if (!(e instanceof SyscallError)) throw e;
      if (e.code === "ENOENT" || e.code === "ENODEV" || e.code === "ENXIO") {
        this.#fail("no_device", e);
      } else if (e.code === "EACCES" || e.code === "EPERM") {
        f.ioctlError = e;
        f.nodeStat = nodeStat(f.device);
        this.#fallBackToSysfs();
      } else {
        this.#fail("error", e);
      }
    }
  }

  #fallBackToSysfs(): void {
    const f = this.#facts;
    if (f.entry === null) {
      f.phase = "permission_denied";
      return;
    }
    try {
      readSysfsAssert(f.entry.dir);
      f.phase = "sysfs";
    } catch (e) {
      f.phase = "permission_denied";
      f.error = asError(e);
    }
  }

  #read(): void {
    const f = this.#facts;
    if (f.phase === "ioctl") {
      try {
        f.history.record(this.#dev!.fetch().assert);
      } catch (e) {
        const gone = e instanceof SyscallError && (e.code === "ENODEV" || e.code === "ENXIO");
        this.#fail(gone ? "no_device" : "error", asError(e));
      }
    } else if (f.phase === "sysfs") {
      try {
        const ev = readSysfsAssert(f.entry!.dir);
        f.capturesAssert = ev !== null;
        if (ev !== null) f.history.record(ev);
      } catch (e) {
        const gone = e instanceof SyscallError && (e.code === "ENOENT" || e.code === "ENODEV");
        this.#fail(gone ? "no_device" : "error", asError(e));
      }
    }
  }

  #fail(phase: "no_device" | "error", e: Error): void {
    this.#close();
    this.#facts.phase = phase;
    this.#facts.error = e;
  }

  /** Polls now and then every `pollMs` in the background (the timer does not keep the process alive). */
  start(): this {
    if (this.#timer !== undefined || this.#facts.phase === "disabled") return this;
    this.poll();
    this.#timer = setInterval(() => this.poll(), this.pollMs);
    Deno.unrefTimer(this.#timer);
    return this;
  }

  /**
   * The report as of now. `kernel` is the kernel state (or why it could not be read) when the
   * caller has just read it — the status object reads it once for all its parts; by default it
   * is read here.
   */
  report(kernel: KernelClock | Error = readKernelOrError()): PpsReport {
    return ppsReport(this.#facts, {
      now: clockGettime(),
      staleAfterMs: this.staleAfterMs,
      uid: this.#uid,
      kernel,
    });
  }

  /**
   * For a bounded self-test: polls until `count` new asserts have been read, or at once when no
   * source can be read (absent, disabled, unreadable, failing), or until `timeoutMs` passed;
   * then returns the report.
   */
  async waitForPulses(count: number, timeoutMs: number): Promise<PpsReport> {
    const target = this.pulsesSeen + count;
    const deadline = monotonicMs() + timeoutMs;
    this.poll();
    while (this.pulsesSeen < target && monotonicMs() < deadline) {
      const phase = this.#facts.phase;
      if (phase !== "ioctl" && phase !== "sysfs") break; // nothing to wait for
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      this.poll();
    }
    return this.report();
  }

  #close(): void {
    const dev = this.#dev;
    this.#dev = null;
    dev?.[Symbol.dispose]();
  }

  /** Stops the sampler and closes the device. */
  [Symbol.dispose](): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#close();
  }
}
