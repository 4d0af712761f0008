/**
 * Pure decoding and time math of NTP SHM samples and segment metadata, with tables (no FFI).
 * Byte images are built in the test with the layout's offsets.
 */
import assert from "node:assert/strict";
import {
  decodeShmidDs,
  decodeShmTime,
  diffNs,
  isoUtc,
  leapName,
  normalize,
  type RawShmTime,
  subSecondNs,
  toSample,
  unixNsString,
} from "../src/shm/decode.ts";
import { SHM_TIME, SHM_TIME_SIZE, SHMID_DS, SHMID_DS_SIZE, shmKey } from "../src/shm/layout.ts";
import { parseSysvipcShm } from "./support/sysvipc.ts";

/** A 96-byte shmTime image with the given fields (µs default to ns / 1000). */
function shmTimeBytes(f: Partial<RawShmTime>): Uint8Array {
  const b = new Uint8Array(SHM_TIME_SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(SHM_TIME.mode, f.mode ?? 1, true);
  v.setInt32(SHM_TIME.count, f.count ?? 2, true);
  v.setBigInt64(SHM_TIME.clockTimeStampSec, BigInt(f.clockSec ?? 0), true);
  v.setInt32(
    SHM_TIME.clockTimeStampUSec,
    f.clockUsec ?? Math.floor((f.clockNsec ?? 0) / 1000),
    true,
  );
  v.setBigInt64(SHM_TIME.receiveTimeStampSec, BigInt(f.receiveSec ?? 0), true);
  v.setInt32(
    SHM_TIME.receiveTimeStampUSec,
    f.receiveUsec ?? Math.floor((f.receiveNsec ?? 0) / 1000),
    true,
  );
  v.setInt32(SHM_TIME.leap, f.leap ?? 0, true);
  v.setInt32(SHM_TIME.precision, f.precision ?? -20, true);
  v.setInt32(SHM_TIME.nsamples, f.nsamples ?? 3, true);
  v.setInt32(SHM_TIME.valid, f.valid ?? 1, true);
  v.setUint32(SHM_TIME.clockTimeStampNSec, f.clockNsec ?? 0, true);
  v.setUint32(SHM_TIME.receiveTimeStampNSec, f.receiveNsec ?? 0, true);
  return b;
}

Deno.test("layout: shmTime and shmid_ds offsets and sizes are pinned (x86_64 = aarch64)", () => {
  assert.equal(SHM_TIME_SIZE, 96);
  assert.deepEqual(SHM_TIME, {
    mode: 0,
    count: 4,
    clockTimeStampSec: 8,
    clockTimeStampUSec: 16,
    receiveTimeStampSec: 24,
    receiveTimeStampUSec: 32,
    leap: 36,
    precision: 40,
    nsamples: 44,
    valid: 48,
    clockTimeStampNSec: 52,
    receiveTimeStampNSec: 56,
    dummy: 60,
  });
  assert.equal(SHMID_DS_SIZE, 112);
  assert.deepEqual(
    [SHMID_DS.uid, SHMID_DS.mode, SHMID_DS.segsz, SHMID_DS.ctime, SHMID_DS.cpid, SHMID_DS.nattch],
    [4, 20, 48, 72, 80, 88],
  );
  assert.deepEqual([0, 1, 7, 255].map(shmKey), [0x4e545030, 0x4e545031, 0x4e545037, 0x4e54512f]);
});

Deno.test("decodeShmTime: every field from its offset, including the 2038 boundary", () => {
  const raw = decodeShmTime(shmTimeBytes({
    mode: 1,
    count: 12345,
    clockSec: 2 ** 31,
    clockNsec: 999_999_999,
    receiveSec: 2 ** 31 - 1,
    receiveNsec: 1,
    leap: 3,
    precision: -30,
    nsamples: 7,
    valid: 1,
  }));
  assert.deepEqual(raw, {
    mode: 1,
    count: 12345,
    clockSec: 2147483648,
    clockUsec: 999_999,
    receiveSec: 2147483647,
    receiveUsec: 0,
    leap: 3,
    precision: -30,
    nsamples: 7,
    valid: 1,
    clockNsec: 999_999_999,
    receiveNsec: 1,
  });
});

Deno.test("decodeShmTime: 64-bit seconds beyond 2038 and negative seconds round-trip", () => {
  for (const sec of [0, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 4102444800, -1, -(2 ** 31)]) {
    const raw = decodeShmTime(shmTimeBytes({ clockSec: sec, receiveSec: sec }));
    assert.equal(raw.clockSec, sec, `clock ${sec}`);
    assert.equal(raw.receiveSec, sec, `receive ${sec}`);
  }
});

Deno.test("decodeShmTime: a buffer inside a larger one (offset) decodes the same", () => {
  const inner = shmTimeBytes({ clockSec: 1_800_000_000, clockNsec: 5, count: 8 });
  for (const offset of [4, 3]) {
    const outer = new Uint8Array(SHM_TIME_SIZE + 8);
    outer.set(inner, offset);
    assert.deepEqual(
      decodeShmTime(outer.subarray(offset, offset + SHM_TIME_SIZE)),
      decodeShmTime(inner),
    );
  }
});

Deno.test("decodeShmTime: too short -> exact RangeError", () => {
  const b = shmTimeBytes({});
  for (const n of [0, 1, 80, 95]) {
    assert.throws(() => decodeShmTime(b.subarray(0, n)), {
      name: "RangeError",
      message: `Cannot decode shmTime: ${n} bytes given, 96 needed`,
    });
  }
});

Deno.test("decodeShmTime: corrupting one byte changes exactly its field", () => {
  const good = shmTimeBytes({ clockSec: 1_795_000_000, clockNsec: 123_456_789, count: 4 });
  const base = decodeShmTime(good);
  const cases: [number, keyof RawShmTime, number][] = [
    [SHM_TIME.mode, "mode", 0x21],
    [SHM_TIME.count, "count", 0x05],
    [SHM_TIME.valid, "valid", 0x00],
    [SHM_TIME.leap, "leap", 0x02],
    [SHM_TIME.clockTimeStampSec + 4, "clockSec", 0x01],
    [SHM_TIME.receiveTimeStampNSec, "receiveNsec", 0x7f],
  ];
  for (const [at, field, byte] of cases) {
    const b = good.slice();
    b[at] = byte;
    const got = decodeShmTime(b);
    for (const k of Object.keys(base) as (keyof RawShmTime)[]) {
      if (k === field) assert.notEqual(got[k], base[k], `${field} should change`);
      else assert.equal(got[k], base[k], `${k} must not change when ${field}'s byte does`);
    }
  }
});

Deno.test("normalize: ns carry in both directions", () => {
  const table: [number, number, number, number][] = [
    // sec, subNs -> sec, nsec
    [10, 0, 10, 0],
    [10, 999_999_999, 10, 999_999_999],
    [10, 1_000_000_000, 11, 0], // µs field 1 000 000 × 1000
    [10, 2_500_000_000, 12, 500_000_000],
    [10, -1, 9, 999_999_999],
    [10, -1_000_000_000, 9, 0],
    [0, -1, -1, 999_999_999],
    [2 ** 31 - 1, 1_000_000_000, 2 ** 31, 0], // across 2038
  ];
  for (const [sec, sub, wantSec, wantNs] of table) {
    assert.deepEqual(normalize(sec, sub), { sec: wantSec, nsec: wantNs }, `${sec} s + ${sub} ns`);
  }
});

Deno.test("subSecondNs: ns used only when consistent with µs", () => {
  const table: [number, number, number, boolean][] = [
    // usec, nsec -> ns, precise
    [123_456, 123_456_789, 123_456_789, true],
    [123_456, 123_456_000, 123_456_000, true],
    [0, 999, 999, true],
    [123_457, 123_456_789, 123_457_000, false], // ns from another write
    [123_456, 0, 123_456_000, false], // a writer without ns
    [0, 1000, 0, false],
    [999_999, 999_999_999, 999_999_999, true],
    [1_000_000, 0, 1_000_000_000, false], // out-of-range µs: carried by normalize
  ];
  for (const [usec, nsec, ns, precise] of table) {
    assert.deepEqual(subSecondNs(usec, nsec), { ns, precise }, `${usec} µs / ${nsec} ns`);
  }
});

Deno.test("toSample: offsets, carry, inconsistent ns and 2038", () => {
  const table: {
    name: string;
    raw: Partial<RawShmTime>;
    ref: [number, number];
    rcv: [number, number];
    offset: number;
    ns: boolean;
  }[] = [
    {
      name: "system clock behind the reference",
      raw: { clockSec: 1000, clockNsec: 500_000_000, receiveSec: 1000, receiveNsec: 400_000_000 },
      ref: [1000, 500_000_000],
      rcv: [1000, 400_000_000],
      offset: 100_000_000,
      ns: true,
    },
    {
      name: "negative offset across a second",
      raw: { clockSec: 1000, clockNsec: 999_999_999, receiveSec: 1001, receiveNsec: 1 },
      ref: [1000, 999_999_999],
      rcv: [1001, 1],
      offset: -2,
      ns: true,
    },
    {
      name: "inconsistent receive ns falls back to µs",
      raw: {
        clockSec: 1000,
        clockNsec: 0,
        receiveSec: 1000,
        receiveUsec: 250_000,
        receiveNsec: 999,
      },
      ref: [1000, 0],
      rcv: [1000, 250_000_000],
      offset: -250_000_000,
      ns: false,
    },
    {
      name: "µs = 1 000 000 carries into seconds",
      raw: { clockSec: 5, clockUsec: 1_000_000, clockNsec: 0, receiveSec: 6, receiveNsec: 0 },
      ref: [6, 0],
      rcv: [6, 0],
      offset: 0,
      ns: false,
    },
    {
      name: "the 2038 boundary (2^31 s)",
      raw: { clockSec: 2 ** 31, clockNsec: 0, receiveSec: 2 ** 31 - 1, receiveNsec: 999_000_000 },
      ref: [2 ** 31, 0],
      rcv: [2 ** 31 - 1, 999_000_000],
      offset: 1_000_000,
      ns: true,
    },
  ];
  for (const t of table) {
    const s = toSample(decodeShmTime(shmTimeBytes(t.raw)));
    assert.deepEqual(s.reference, { sec: t.ref[0], nsec: t.ref[1] }, t.name);
    assert.deepEqual(s.receive, { sec: t.rcv[0], nsec: t.rcv[1] }, t.name);
    assert.equal(s.offsetNs, t.offset, t.name);
    assert.equal(s.nsPrecision, t.ns, t.name);
  }
});

Deno.test("leap values 0-3 are named; others are not", () => {
  assert.deepEqual([0, 1, 2, 3].map(leapName), ["none", "insert", "delete", "unsynchronized"]);
  for (const v of [-1, 4, 255]) assert.equal(leapName(v), undefined);
  for (const leap of [0, 1, 2, 3, 4, -1]) {
    assert.equal(toSample(decodeShmTime(shmTimeBytes({ leap }))).leap, leap);
  }
});

Deno.test("diffNs, unixNsString and isoUtc", () => {
  assert.equal(diffNs({ sec: 10, nsec: 0 }, { sec: 9, nsec: 999_999_999 }), 1);
  assert.equal(diffNs({ sec: 9, nsec: 999_999_999 }, { sec: 10, nsec: 0 }), -1);
  assert.equal(diffNs({ sec: 2 ** 31, nsec: 0 }, { sec: 2 ** 31 - 1, nsec: 0 }), 1e9);
  const table: [number, number, string, string][] = [
    [0, 0, "0", "1970-01-01T00:00:00.000000000Z"],
    [0, 1, "1", "1970-01-01T00:00:00.000000001Z"],
    [2 ** 31 - 1, 999_999_999, "2147483647999999999", "2038-01-19T03:14:07.999999999Z"],
    [2 ** 31, 0, "2147483648000000000", "2038-01-19T03:14:08.000000000Z"],
    [1_795_503_661, 123_456_789, "1795503661123456789", "2026-11-24T07:01:01.123456789Z"],
    [4102444800, 5, "4102444800000000005", "2100-01-01T00:00:00.000000005Z"],
    [-1, 999_999_999, "-1", "1969-12-31T23:59:59.999999999Z"],
  ];
  for (const [sec, nsec, ns, iso] of table) {
    assert.equal(unixNsString({ sec, nsec }), ns);
    assert.equal(isoUtc({ sec, nsec }), iso);
  }
  assert.throws(() => isoUtc({ sec: 9e15, nsec: 0 }), {
    name: "RangeError",
    message: "Cannot format timestamp: 9000000000000000 s is outside the ISO 8601 range",
  });
});

/** A 112-byte shmid_ds image. */
function shmidDsBytes(f: { uid: number; gid: number; mode: number; size: number; nattch: number }) {
  const b = new Uint8Array(SHMID_DS_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(SHMID_DS.uid, f.uid, true);
  v.setUint32(SHMID_DS.gid, f.gid, true);
  v.setUint32(SHMID_DS.mode, f.mode, true);
  v.setBigUint64(SHMID_DS.segsz, BigInt(f.size), true);
  v.setBigInt64(SHMID_DS.ctime, 1_795_503_661n, true);
  v.setInt32(SHMID_DS.cpid, 4242, true);
  v.setBigUint64(SHMID_DS.nattch, BigInt(f.nattch), true);
  return b;
}

Deno.test("decodeShmidDs: fields, mode masked to 0o777, exact error when short", () => {
  const b = shmidDsBytes({ uid: 65534, gid: 20, mode: 0o1000 | 0o666, size: 96, nattch: 3 });
  assert.deepEqual(decodeShmidDs(b), {
    uid: 65534,
    gid: 20,
    mode: 0o666,
    size: 96,
    ctime: 1_795_503_661,
    cpid: 4242,
    nattch: 3,
  });
  b[SHMID_DS.segsz] = 80; // one corrupt byte: the size
  assert.equal(decodeShmidDs(b).size, 80);
  assert.throws(() => decodeShmidDs(b.subarray(0, 111)), {
    name: "RangeError",
    message: "Cannot decode shmid_ds: 111 bytes given, 112 needed",
  });
});

Deno.test("parseSysvipcShm: finds the key's row; others and garbage give null", () => {
  const text =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n" +
    "1314148400         16   600                    96 13530 13531      2     0     0     0     0 1795503673          0 1795503672                     0                     0\n" +
    "1314148402         17  1666                    80   100   101      0    65534 65534     0     0 0          0 1795503000                     0                     0\n" +
    "-1                 18   644                  4096     1     1      0     0     0     0     0 0 0 0 0 0\n";
  assert.deepEqual(parseSysvipcShm(text, 0x4e545030), {
    mode: 0o600,
    size: 96,
    cpid: 13530,
    nattch: 2,
    uid: 0,
    gid: 0,
    ctime: 1795503672,
  });
  assert.deepEqual(parseSysvipcShm(text, 0x4e545032), {
    mode: 0o666,
    size: 80,
    cpid: 100,
    nattch: 0,
    uid: 65534,
    gid: 65534,
    ctime: 1795503000,
  });
  assert.equal(parseSysvipcShm(text, 0x4e545031), null);
  assert.equal(parseSysvipcShm(text.split("\n")[0]!, 0x4e545030), null); // header only
  assert.equal(parseSysvipcShm("1314148400 16 600\n1314148400 16 600 96", 0x4e545030), null);
});
