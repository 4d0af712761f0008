/**
 * In-process cost of reading the clocks and the kernel's NTP state through libc (`deno bench`).
 * Floors seen natively: `clock_gettime` into a reused buffer ≈ 40 ns, `ntp_adjtime` ≈ 1.6 µs.
 *
 * @module
 */
import {
  CLOCK_MONOTONIC,
  CLOCK_REALTIME,
  clockGettime,
  ntpAdjtimeRead,
} from "../../src/ffi/clock.ts";
import { readKernelClock } from "../../src/kernel/read.ts";

let sink = 0; // results feed this so that no call is optimized away

Deno.bench({
  name: "clock_gettime(CLOCK_REALTIME), reused buffer",
  group: "clock",
  baseline: true,
  fn() {
    sink ^= clockGettime(CLOCK_REALTIME).nsec;
  },
});

Deno.bench({
  name: "clock_gettime(CLOCK_MONOTONIC), reused buffer",
  group: "clock",
  fn() {
    sink ^= clockGettime(CLOCK_MONOTONIC).nsec;
  },
});

Deno.bench({
  name: "ntp_adjtime(modes = 0)",
  group: "clock",
  fn() {
    sink ^= ntpAdjtimeRead((state) => state);
  },
});

Deno.bench({
  name: "ntp_adjtime(modes = 0) + decode struct timex",
  group: "clock",
  fn() {
    sink ^= readKernelClock().status;
  },
});

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.error(sink); // never true: keeps `sink` observable
});
