/**
 * The SHM monitor against real kernel segments written by tests/support/shm_writer.ts: every
 * state and its explanation, a consumer clearing `valid`, removal and re-creation under a running
 * monitor, and proof that it never creates or writes (ipcs, bytes after 10^4 reads).
 * SHM units 4-7 (the monitor-test range; serialized with the gpsd tests by lockUnits0to7).
 */
import assert from "node:assert/strict";
import { ShmMonitor } from "../src/shm/monitor.ts";
import type { UnitReport } from "../src/shm/report.ts";
import { SHM_TIME } from "../src/shm/layout.ts";
import { clockGettime } from "../src/ffi/clock.ts";
import { removeUnit, TestSegment, type WriteSample } from "./support/shm_writer.ts";
import { ipcsLines, lockUnits0to7, unitKeys } from "./support/sysv.ts";
import { waitFor } from "./support/wait.ts";
import { asNtpshmmonTime, ntpshmmon } from "./support/ntpshmmon.ts";
import { hasCommand } from "./support/prereq.ts";

const [A, B] = [4, 5];

function unitOf(m: ShmMonitor, unit: number): UnitReport {
  const r = m.report().find((u) => u.unit === unit);
  assert.ok(r, `unit ${unit} is watched`);
  return r;
}

/** A sample taken now: receive = the system clock, reference `offsetNs` later. */
function sampleNow(offsetNs = 250_000, extra: Partial<WriteSample> = {}): WriteSample {
  const now = clockGettime();
  const refNs = now.nsec + offsetNs;
  return {
    receiveSec: now.sec,
    receiveNsec: now.nsec,
    clockSec: now.sec + Math.floor(refNs / 1e9),
    clockNsec: refNs % 1e9,
    ...extra,
  };
}

Deno.test("monitor states on real segments, with their explanations", async () => {
  await using _lock = await lockUnits0to7();
  removeUnit(A);
  removeUnit(B);
  using m = new ShmMonitor({ units: [A, B], staleAfterMs: 600_000 });

  // no_segment
  m.poll();
  let r = unitOf(m, A);
  assert.equal(r.state, "no_segment");
  assert.equal(
    r.detail,
    "No segment has key 0x4e545034: nothing created NTP SHM unit 4. Start the writer (gpsd as root creates units 0-7) or a consumer configured for it (NTPsec: server 127.127.28.4; chrony: refclock SHM 4).",
  );
  assert.deepEqual(
    [r.key, r.permissions, r.owner_uid, r.size, r.attach_count, r.last_sample],
    ["0x4e545034", null, null, null, null, null],
  );

  // not_ready: created (zero-filled), nothing written
  using seg = TestSegment.create(A, 0o640);
  m.poll();
  r = unitOf(m, A);
  assert.equal(r.state, "not_ready");
  assert.equal(
    r.detail,
    "Attached; no valid sample seen yet. The writer has not written (gpsd writes only with a GPS fix), or (mode 0 only: a mode-1 sample is recognised after a consumer took it) a consumer cleared each sample before the next poll.",
  );
  assert.deepEqual(
    [r.permissions, r.owner_uid, r.owner_gid, r.size, r.attach_count, r.stats.attaches],
    ["0640", 0, 0, 96, 2, 1],
  );

  // ok: every field of the sample as written
  const s = sampleNow(-1_500, { leap: 1, precision: -19, nsamples: 5 });
  seg.write(s);
  m.poll();
  r = unitOf(m, A);
  assert.equal(r.state, "ok");
  assert.match(r.detail, /^Fresh samples: the last is \d+\.\d{3} s old\.$/);
  const ls = r.last_sample!;
  assert.equal(ls.receive_unix_ns, `${s.receiveSec}${String(s.receiveNsec).padStart(9, "0")}`);
  assert.equal(ls.reference_unix_ns, `${s.clockSec}${String(s.clockNsec).padStart(9, "0")}`);
  assert.deepEqual(
    [ls.offset_ns, ls.leap, ls.precision, ls.nsamples, ls.mode, ls.count, ls.ns_precision],
    [-1_500, "insert", -19, 5, 1, 2, true],
  );
  assert.ok(ls.age_ms >= 0 && ls.age_ms < 60_000, `age ${ls.age_ms} ms`);
  assert.equal(r.stats.samples_seen, 1);

  // the same sample polled again is not a new sample; a consumer clearing valid keeps it
  m.poll();
  seg.consume();
  m.poll();
  r = unitOf(m, A);
  assert.equal(r.state, "ok");
  assert.equal(r.stats.samples_seen, 1);
  assert.equal(r.last_sample!.receive_unix_ns, ls.receive_unix_ns);
  assert.equal(new DataView(seg.bytes.buffer).getInt32(SHM_TIME.valid, true), 0);

  // stale: no new sample for longer than staleAfterMs (300 ms)
  using short = new ShmMonitor({ units: [A], staleAfterMs: 300 });
  seg.write(sampleNow());
  short.poll();
  r = await waitFor("the sample to go stale", () => {
    const u = unitOf(short, A);
    return u.state === "stale" && u;
  });
  assert.match(
    r.detail,
    /^The last sample is \d+\.\d s old \(limit 0\.3 s\): the writer stopped writing\. Check that gpsd \(or the refclock driver\) runs and its receiver has a fix\.$/,
  );
  assert.ok(r.last_sample!.age_ms > 300);

  // a new sample makes it ok again
  seg.write(sampleNow());
  m.poll();
  assert.equal(unitOf(m, A).state, "ok");
  assert.equal(unitOf(m, A).stats.samples_seen, 2);
  assert.equal(unitOf(m, A).stats.window, 2);

  // bad_mode: a writer that does not speak the protocol
  seg.write(sampleNow(0, { mode: 2 }));
  m.poll();
  r = unitOf(m, A);
  assert.equal(r.state, "bad_mode");
  assert.equal(
    r.detail,
    "The segment's mode field is 2; only 0 and 1 are defined. Its writer does not speak the NTP SHM protocol.",
  );

  // bad_size: an 80-byte (32-bit time_t) segment
  using small = TestSegment.create(B, 0o644, 80);
  m.poll();
  r = unitOf(m, B);
  assert.equal(r.state, "bad_size");
  assert.equal(r.size, 80);
  assert.equal(r.permissions, "0644");
  assert.equal(
    r.detail,
    "The segment is 80 bytes, not 96: its writer uses another struct shmTime layout (a 32-bit writer without 64-bit time_t uses 80). Use a 64-bit writer, or remove the segment (ipcrm -M 0x4e545035) so a 64-bit program re-creates it.",
  );
  assert.equal(r.attach_count, 1, "a bad-size segment is not attached");
  void small;
});

Deno.test("removal and re-creation under a running monitor are followed", async () => {
  await using _lock = await lockUnits0to7();
  removeUnit(A);
  using m = new ShmMonitor({ units: [A], pollMs: 20 }).start();
  const countOf = () => unitOf(m, A);

  const first = TestSegment.create(A, 0o600);
  first.write(sampleNow(1_000));
  await waitFor("the first sample", () => countOf().state === "ok");
  const firstId = first.id;
  assert.equal(countOf().stats.attaches, 1);

  // 1. ipcrm while we are attached, then nothing: the key disappears, we detach
  first[Symbol.dispose]();
  const gone = await waitFor("no_segment", () => countOf().state === "no_segment" && countOf());
  assert.equal(gone.last_sample?.offset_ns, 1_000, "the last sample is still reported");
  await waitFor(
    "the removed segment to be freed",
    async () => (await ipcsLines(unitKeys(A, A))).length === 0,
  );

  // 2. a new segment under the key: attached again, new samples read
  using second = TestSegment.create(A, 0o600);
  assert.notEqual(second.id, firstId);
  second.write(sampleNow(2_000));
  const r2 = await waitFor("the second segment's sample", () => {
    const u = countOf();
    return u.state === "ok" && u.last_sample?.offset_ns === 2_000 && u;
  });
  assert.equal(r2.stats.attaches, 2);
  assert.equal(r2.stats.samples_seen, 2);

  // 3. removed and re-created between two polls: the key's new id is followed
  m[Symbol.dispose](); // stop the sampler to make the swap land between two polls
  second.keep = false;
  second[Symbol.dispose]();
  using third = TestSegment.create(A, 0o600);
  third.write(sampleNow(3_000));
  m.poll();
  const r3 = countOf();
  assert.equal(r3.state, "ok");
  assert.equal(r3.last_sample?.offset_ns, 3_000);
  assert.equal(r3.stats.attaches, 3);
  assert.equal(r3.attach_count, 2); // the writer and us: the old segment was let go
});

Deno.test("never creates, never writes: ipcs unchanged and bytes intact after 10^4 reads", async () => {
  await using _lock = await lockUnits0to7();
  for (let u = 0; u <= 7; u++) removeUnit(u);
  using seg = TestSegment.create(A, 0o600);
  const s = sampleNow(-42_000, { leap: 3, precision: -20 });
  seg.write(s);
  const keys = unitKeys(0, 7);
  const ipcsBefore = await ipcsLines(keys);
  const bytesBefore = seg.bytes.slice();
  {
    // no staleness limit to speak of: under qemu 10^4 polls take minutes
    using m = new ShmMonitor({ units: [A], staleAfterMs: 86_400_000 });
    for (let i = 0; i < 10_000; i++) m.poll();
    const r = unitOf(m, A);
    assert.equal(r.state, "ok");
    assert.equal(r.stats.samples_seen, 1);
    assert.equal(r.stats.clashes, 0);
    using absent = new ShmMonitor({ units: [0, 1, 2, 3, 6, 7] });
    for (let i = 0; i < 100; i++) absent.poll();
    for (const u of [0, 1, 2, 3, 6, 7]) assert.equal(unitOf(absent, u).state, "no_segment");
  }
  assert.deepEqual(await ipcsLines(keys), ipcsBefore, "ipcs -m (units 0-7) before/after");
  assert.deepEqual(seg.bytes, bytesBefore, "segment bytes before/after 10^4 reads");
  assert.equal(new DataView(seg.bytes.buffer).getInt32(SHM_TIME.valid, true), 1, "valid untouched");

  // the reference reader sees exactly the sample we wrote, after our 10^4 reads
  if (!hasCommand("ntpshmmon")) {
    console.error("!!! ntpshmmon missing (apt gpsd-clients): reference-reader comparison skipped");
    return;
  }
  const ref = (await ntpshmmon(1, 5)).find((x) => x.name === `NTP${A}`);
  assert.ok(ref, "ntpshmmon printed the unit's sample");
  const ns = (sec: number, nsec: number) => `${sec}${String(nsec).padStart(9, "0")}`;
  assert.equal(ref.clock, asNtpshmmonTime(ns(s.receiveSec, s.receiveNsec)));
  assert.equal(ref.real, asNtpshmmonTime(ns(s.clockSec, s.clockNsec)));
  assert.deepEqual([ref.leap, ref.precision], [3, -20]);
});
