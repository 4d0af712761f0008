/** Pure statistics (offsetStats, Ring) and struct timex decoding, with tables. */
import assert from "node:assert/strict";
import { offsetStats, Ring } from "../src/stats.ts";
import { decodeTimex, STA, TIMEX, TIMEX_SIZE } from "../src/kernel/timex.ts";

Deno.test("offsetStats: mean, jitter (RMS of successive differences), min, max", () => {
  assert.equal(offsetStats([]), null);
  assert.deepEqual(offsetStats([-5]), {
    count: 1,
    meanNs: -5,
    jitterNs: null,
    minNs: -5,
    maxNs: -5,
  });
  // constant offset: no jitter
  assert.deepEqual(offsetStats([7, 7, 7]), {
    count: 3,
    meanNs: 7,
    jitterNs: 0,
    minNs: 7,
    maxNs: 7,
  });
  // differences 10, -10, 10: RMS 10
  assert.deepEqual(offsetStats([0, 10, 0, 10]), {
    count: 4,
    meanNs: 5,
    jitterNs: 10,
    minNs: 0,
    maxNs: 10,
  });
  // a steady drift of 3 per sample: jitter 3 whatever the offset
  const s = offsetStats([-1_000_000, -999_997, -999_994])!;
  assert.equal(s.jitterNs, 3);
  assert.equal(s.meanNs, -999_997);
});

Deno.test("Ring: keeps the newest `capacity` entries, oldest first; exact error for capacity", () => {
  const r = new Ring<number>(3);
  assert.equal(r.last(), undefined);
  for (let i = 1; i <= 5; i++) r.push(i);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.equal(r.length, 3);
  assert.equal(r.last(), 5);
  for (const bad of [0, -1, 1.5]) {
    assert.throws(() => new Ring(bad), {
      name: "RangeError",
      message: `Cannot create ring: capacity ${bad} is not a positive integer`,
    });
  }
});

/** A 208-byte timex image. */
function timexBytes(f: Partial<Record<keyof typeof TIMEX, number>>): Uint8Array {
  const b = new Uint8Array(TIMEX_SIZE);
  const v = new DataView(b.buffer);
  for (const [k, val] of Object.entries(f) as [keyof typeof TIMEX, number][]) {
    if (k === "status" || k === "tai" || k === "shift" || k === "modes") {
      v.setInt32(TIMEX[k], val, true);
    } else v.setBigInt64(TIMEX[k], BigInt(val), true);
  }
  return b;
}

Deno.test("decodeTimex: this machine's unsynchronized state (TIME_ERROR, UNSYNC, 16 s)", () => {
  const k = decodeTimex(
    5,
    timexBytes({ status: STA.UNSYNC, maxerror: 16_000_000, esterror: 16_000_000, constant: 2 }),
  );
  assert.equal(k.synchronized, false);
  assert.equal(k.clockState, "TIME_ERROR");
  assert.deepEqual(k.statusFlags, ["UNSYNC"]);
  assert.equal(k.maxErrorUs, 16_000_000);
  assert.equal(k.estErrorUs, 16_000_000);
  assert.equal(k.leap, "none");
});

Deno.test("decodeTimex: NANO switches offset/jitter units; freq scaled by 2^16; leap bits", () => {
  const table: { status: number; offset: number; want: number; leap: string; sync: boolean }[] = [
    { status: STA.PLL, offset: -250, want: -250_000, leap: "none", sync: true }, // µs
    { status: STA.PLL | STA.NANO, offset: -250, want: -250, leap: "none", sync: true }, // ns
    { status: STA.INS, offset: 0, want: 0, leap: "insert", sync: true },
    { status: STA.DEL | STA.UNSYNC, offset: 0, want: 0, leap: "delete", sync: false },
  ];
  for (const t of table) {
    const k = decodeTimex(
      0,
      timexBytes({
        status: t.status,
        offset: t.offset,
        jitter: t.offset,
        freq: -3 * 65536,
        tai: 37,
      }),
    );
    assert.equal(k.offsetNs, t.want);
    assert.equal(k.ppsJitterNs, t.want);
    assert.equal(k.frequencyPpm, -3);
    assert.equal(k.taiOffsetS, 37);
    assert.equal(k.leap, t.leap);
    assert.equal(k.synchronized, t.sync);
    assert.equal(k.clockState, "TIME_OK");
  }
  assert.equal(decodeTimex(9, timexBytes({})).clockState, "UNKNOWN(9)");
});

Deno.test("decodeTimex: too short -> exact RangeError", () => {
  assert.throws(() => decodeTimex(0, new Uint8Array(207)), {
    name: "RangeError",
    message: "Cannot decode timex: 207 bytes given, 208 needed",
  });
});
