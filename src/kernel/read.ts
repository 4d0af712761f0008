/**
 * The kernel clock state, read now.
 *
 * @module
 */
import { ntpAdjtimeRead } from "../ffi/clock.ts";
import { decodeTimex, type KernelClock } from "./timex.ts";

/** Reads and decodes the kernel's NTP state (`ntp_adjtime`, modes = 0). */
export function readKernelClock(): KernelClock {
  return ntpAdjtimeRead(decodeTimex);
}
