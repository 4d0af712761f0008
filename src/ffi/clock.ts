/**
 * Clocks and the kernel's NTP state through libc: `clock_gettime` and `ntp_adjtime` (read only).
 *
 * @module
 */
import { checked } from "./check.ts";
import { libc } from "./libc.ts";
import type { Timestamp } from "../shm/decode.ts";
import { TIMEX_SIZE } from "../kernel/timex.ts";

/** `CLOCK_REALTIME`: the system's UTC clock. */
export const CLOCK_REALTIME = 0;
/** `CLOCK_MONOTONIC`: never steps; for ages and intervals. */
export const CLOCK_MONOTONIC = 1;
/** `CLOCK_TAI`: REALTIME + the kernel's TAI offset. */
export const CLOCK_TAI = 11;

const tsBuf = new BigInt64Array(2);
const tsBytes = new Uint8Array(tsBuf.buffer);

/** `clock_gettime(clock)` as seconds + ns (one reused buffer: no allocation per call but the result). */
export function clockGettime(clock: number = CLOCK_REALTIME): Timestamp {
  checked(libc().clock_gettime(clock, tsBytes), `read clock ${clock}`, "clock_gettime");
  return { sec: Number(tsBuf[0]), nsec: Number(tsBuf[1]) };
}

/** Monotonic time in ms (a float with ns resolution). */
export function monotonicMs(): number {
  const t = clockGettime(CLOCK_MONOTONIC);
  return t.sec * 1000 + t.nsec / 1e6;
}

const timexBuf = new Uint8Array(TIMEX_SIZE);

/**
 * Reads the kernel's NTP state with `ntp_adjtime` and `modes = 0` (changes nothing) and returns
 * `decode(state, timex)`: the clock state code and the `struct timex` bytes, which live in a
 * reused buffer valid only during the call (a fresh 208-byte copy would cost about as much as
 * the syscall itself: typed arrays over 64 bytes are allocated outside the V8 heap).
 */
export function ntpAdjtimeRead<T>(decode: (state: number, timex: Uint8Array) => T): T {
  timexBuf.fill(0); // modes = 0: read only
  const state = checked(libc().ntp_adjtime(timexBuf), "read the kernel clock state", "ntp_adjtime");
  return decode(state, timexBuf);
}
