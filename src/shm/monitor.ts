/**
 * The SHM monitor: a background sampler over the watched units.
 *
 * NTPsec and chrony clear `valid` within about half a second of each write, so the instantaneous
 * flag says little; liveness comes from distinct samples seen over time. The sampler polls every
 * unit at {@linkcode DEFAULT_POLL_MS} (cheap: three syscalls and a 96-byte copy per unit).
 *
 * @module
 */
import { clockGettime, monotonicMs } from "../ffi/clock.ts";
import { currentUid } from "../ffi/system.ts";
import { MAX_SHM_UNIT } from "./layout.ts";
import { type UnitReport, unitReport } from "./report.ts";
import { ShmUnit } from "./unit.ts";

/** Units watched unless configured otherwise. */
export const DEFAULT_SHM_UNITS: readonly number[] = [0, 1, 2, 3];
/** Sampler period, ms (10 Hz: chrony clears `valid` ~0.3 s after a write). */
export const DEFAULT_POLL_MS = 100;
/** A sample older than this is stale, ms. */
export const DEFAULT_STALE_AFTER_MS = 10_000;

/** Monitor options. */
export interface ShmMonitorOptions {
  units?: readonly number[];
  staleAfterMs?: number;
  pollMs?: number;
}

/** Watches NTP SHM units read-only; dispose to stop and detach. */
export class ShmMonitor implements Disposable {
  readonly units: readonly ShmUnit[];
  readonly staleAfterMs: number;
  readonly pollMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #uid: number;

  /** @throws {RangeError} for a unit outside 0–255 or a non-positive period. */
  constructor(opts: ShmMonitorOptions = {}) {
    const units = opts.units ?? DEFAULT_SHM_UNITS;
    for (const u of units) {
      if (!Number.isInteger(u) || u < 0 || u > MAX_SHM_UNIT) {
        throw new RangeError(`Cannot watch SHM unit ${u}: units are 0-${MAX_SHM_UNIT}`);
      }
    }
    this.units = [...new Set(units)].map((u) => new ShmUnit(u));
    this.staleAfterMs = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
    if (!(this.staleAfterMs > 0) || !(this.pollMs > 0)) {
      throw new RangeError("Cannot start SHM monitor: periods must be positive");
    }
    this.#uid = currentUid();
  }

  /** Polls every unit once now. */
  poll(): void {
    const now = monotonicMs();
    for (const u of this.units) u.poll(now);
  }

  /** Polls now and then every `pollMs` in the background (the timer does not keep the process alive). */
  start(): this {
    if (this.#timer !== undefined) return this;
    this.poll();
    this.#timer = setInterval(() => this.poll(), this.pollMs);
    Deno.unrefTimer(this.#timer);
    return this;
  }

  /** The report of every unit, as of now. */
  report(): UnitReport[] {
    const ctx = { now: clockGettime(), staleAfterMs: this.staleAfterMs, uid: this.#uid };
    return this.units.map((u) => unitReport(u, ctx));
  }

  /** Stops the sampler and detaches every segment. */
  [Symbol.dispose](): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const u of this.units) u[Symbol.dispose]();
  }
}
