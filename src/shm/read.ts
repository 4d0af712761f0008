/**
 * One read of an NTP SHM segment, without consuming it.
 *
 * The protocol (NTPsec `refclock_shm.c`, chrony `refclock_shm.c`, gpsd `ntpshmread.c`):
 * a writer sets `valid = 0`, increments `count`, writes the fields, increments `count` again
 * and sets `valid = 1`; a consumer copies the struct, uses it when `valid` is set and — in
 * mode 1 — when `count` is unchanged across the copy, then clears `valid`. A monitor reads the
 * same way but never clears `valid` (that is the consumer's act), so the consumer still gets
 * every sample. A torn copy (count changed) is retried a few times and counted, never returned.
 *
 * A consumer may clear `valid` within milliseconds of a write (NTPsec and chronyd poll on their
 * own timers, so the window depends on their phase against the writer's), and a monitor polling
 * at 10 Hz could then miss every sample. In mode 1 a cleared sample is still recognisable as
 * complete: the writer increments `count` once before and once after writing, so `count` is odd
 * only while a write is in progress. A mode-1 copy with `valid == 0`, an even non-zero `count`,
 * and `count` unchanged across the copy is returned as `consumed`: the last sample written, whole,
 * already taken by a consumer. Mode 0 has no such guarantee: there `valid == 0` stays `not_ready`.
 *
 * @module
 */
import { decodeShmTime, type RawShmTime } from "./decode.ts";
import { SHM_TIME, SHM_TIME_SIZE } from "./layout.ts";

/** Something whose bytes can be copied out, returning `count` as read after the copy. */
export interface ShmSource {
  copyInto(dst: Uint8Array, wordIndex: number): number;
}

/** The outcome of one read, as a value. */
export type ShmRead =
  | { status: "ok"; raw: RawShmTime; clashes: number }
  | { status: "consumed"; raw: RawShmTime; clashes: number }
  | { status: "not_ready"; raw: RawShmTime; clashes: number }
  | { status: "bad_mode"; raw: RawShmTime; clashes: number }
  | { status: "clash"; clashes: number };

/** How many torn copies are retried before a read gives up as `clash`. */
export const MAX_CLASH_RETRIES = 5;

const COUNT_WORD = SHM_TIME.count >> 2;

/**
 * Copies the segment into `scratch` (≥ 96 bytes) and classifies what it holds.
 * `clashes` counts the torn copies seen during this read.
 */
export function readShm(
  source: ShmSource,
  scratch: Uint8Array = new Uint8Array(SHM_TIME_SIZE),
  maxRetries: number = MAX_CLASH_RETRIES,
): ShmRead {
  let clashes = 0;
  for (;;) {
    const countAfter = source.copyInto(scratch, COUNT_WORD);
    const raw = decodeShmTime(scratch);
    if (raw.mode !== 0 && raw.mode !== 1) return { status: "bad_mode", raw, clashes };
    if (raw.mode === 1 && raw.count !== countAfter) {
      clashes++;
      if (clashes > maxRetries) return { status: "clash", clashes };
      continue;
    }
    if (raw.valid) return { status: "ok", raw, clashes };
    const complete = raw.mode === 1 && raw.count !== 0 && raw.count % 2 === 0;
    return { status: complete ? "consumed" : "not_ready", raw, clashes };
  }
}
