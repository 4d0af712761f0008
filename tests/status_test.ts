/** The derived status facts (pure): source, hardware clock, fingerprint; table-driven. */
import assert from "node:assert/strict";
import { decodeTimex, STA, TIMEX, TIMEX_SIZE } from "../src/kernel/timex.ts";
import { clockSource, freshUnit, hardwareClock, kernelPpsDiscipline } from "../src/status.ts";
import type { UnitReport } from "../src/shm/report.ts";

/** A kernel state decoded from timex bytes carrying `status` and return value `state`. */
function kernel(status: number, state = 0) {
  const b = new Uint8Array(TIMEX_SIZE);
  new DataView(b.buffer).setInt32(TIMEX.status, status, true);
  return decodeTimex(state, b);
}

function units(...states: [number, UnitReport["state"]][]): UnitReport[] {
  return states.map(([unit, state]) => ({ unit, state }) as UnitReport);
}

const SYNC = STA.PLL | STA.NANO;
const PPS_KERNEL = SYNC | STA.PPSSIGNAL | STA.PPSTIME | STA.PPSFREQ;

Deno.test("clockSource: table", () => {
  const table: [string, ReturnType<typeof kernel> | null, UnitReport[], boolean, string][] = [
    ["kernel unreadable", null, units([0, "ok"]), true, "unsynchronized"],
    ["STA_UNSYNC", kernel(STA.UNSYNC | SYNC), units([0, "ok"]), true, "unsynchronized"],
    ["TIME_ERROR", kernel(SYNC, 5), units([0, "ok"]), false, "unsynchronized"],
    ["kernel PPS discipline", kernel(PPS_KERNEL), units([0, "no_segment"]), false, "PPS"],
    ["PPSSIGNAL without PPSTIME/FREQ", kernel(SYNC | STA.PPSSIGNAL), [], false, "NTP"],
    ["PPSTIME without PPSSIGNAL", kernel(SYNC | STA.PPSTIME), [], false, "NTP"],
    ["PPS device + fresh unit", kernel(SYNC), units([0, "ok"]), true, "PPS"],
    ["PPS device, no fresh unit", kernel(SYNC), units([0, "stale"]), true, "NTP"],
    ["fresh unit", kernel(SYNC), units([3, "ok"], [1, "ok"]), false, "SHM(1) GPS"],
    ["only stale/absent units", kernel(SYNC), units([0, "stale"], [1, "no_segment"]), false, "NTP"],
  ];
  for (const [what, k, u, pps, want] of table) {
    assert.equal(clockSource(k, { freshUnit: freshUnit(u), ppsActive: pps }), want, what);
  }
  assert.equal(kernelPpsDiscipline(kernel(PPS_KERNEL)), true);
  assert.equal(kernelPpsDiscipline(kernel(SYNC | STA.PPSFREQ | STA.PPSSIGNAL)), true);
});

Deno.test("hardwareClock: table", () => {
  assert.equal(hardwareClock(units([0, "ok"]), true), "PPS active");
  assert.equal(hardwareClock(units([2, "ok"], [0, "stale"]), false), "GPS via SHM(2)");
  assert.equal(hardwareClock(units([0, "not_ready"]), false), "none");
  assert.equal(hardwareClock([], false), "none");
});
