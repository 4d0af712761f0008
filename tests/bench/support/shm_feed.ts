/**
 * Bench-only: a 1 Hz feed of real NTP SHM segments (the bench's units 70-79), written like gpsd
 * writes them by `tests/support/shm_writer.ts`, so the server and the in-process benches read
 * live samples. Each sample is the system clock read at the moment of writing (this machine has
 * no GPS; the feed exercises the read path, not time accuracy).
 *
 * @module
 */
import { clockGettime } from "../../../src/ffi/clock.ts";
import { removeUnit, TestSegment } from "../../support/shm_writer.ts";

/** Segments written once now and then every second; dispose to stop and remove them. */
export class ShmFeed implements Disposable {
  readonly #segments: TestSegment[];
  readonly #timer: ReturnType<typeof setInterval>;

  /** Creates `units` (removing leftovers of an earlier run first) and writes one sample now. */
  constructor(units: readonly number[]) {
    this.#segments = units.map((u) => {
      removeUnit(u);
      return TestSegment.create(u, 0o644);
    });
    this.write();
    this.#timer = setInterval(() => this.write(), 1_000);
    Deno.unrefTimer(this.#timer);
  }

  /** Writes one sample to every segment: reference and receive time both from CLOCK_REALTIME. */
  write(): void {
    for (const seg of this.#segments) {
      const receive = clockGettime();
      const reference = clockGettime();
      seg.write({
        clockSec: reference.sec,
        clockNsec: reference.nsec,
        receiveSec: receive.sec,
        receiveNsec: receive.nsec,
      });
    }
  }

  /** Stops writing and removes the segments. */
  [Symbol.dispose](): void {
    clearInterval(this.#timer);
    for (const seg of this.#segments) seg[Symbol.dispose]();
  }
}
