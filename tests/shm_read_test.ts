/**
 * The read protocol (readShm): valid/not ready, unknown mode, and the `count` check of mode 1 —
 * against a real segment, and with a source whose `count` changes during the copy.
 */
import assert from "node:assert/strict";
import { readShm, type ShmSource } from "../src/shm/read.ts";
import { decodeShmTime } from "../src/shm/decode.ts";
import { SHM_TIME, SHM_TIME_SIZE } from "../src/shm/layout.ts";
import { ShmAttachment, shmLookup } from "../src/ffi/shm.ts";
import { shmKey } from "../src/shm/layout.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { lockUnits0to7 } from "./support/sysv.ts";

const UNIT = 6;

/** Copies real segment bytes, but the writer bumps `count` during the first `torn` copies. */
class TornSource implements ShmSource {
  copies = 0;
  constructor(readonly seg: TestSegment, readonly torn: number) {}
  copyInto(dst: Uint8Array, wordIndex: number): number {
    dst.set(this.seg.bytes.subarray(0, dst.byteLength));
    this.copies++;
    if (this.copies <= this.torn) {
      // the writer's next sample starts while we copy: count++ after our copy began
      this.seg.view.setInt32(
        SHM_TIME.count,
        this.seg.view.getInt32(SHM_TIME.count, true) + 1,
        true,
      );
    }
    return this.seg.view.getInt32(wordIndex * 4, true);
  }
}

Deno.test("readShm on a real segment: not_ready, ok, consumed, bad_mode, and count clashes", async () => {
  await using _lock = await lockUnits0to7();
  removeUnit(UNIT);
  using seg = TestSegment.create(UNIT, 0o600);
  using att = ShmAttachment.attach(shmLookup(shmKey(UNIT), "find"), SHM_TIME_SIZE, "attach");
  const scratch = new Uint8Array(SHM_TIME_SIZE);

  const zero = readShm(att, scratch);
  assert.equal(zero.status, "not_ready"); // zero-filled: valid 0, mode 0
  assert.equal(zero.clashes, 0);

  seg.write({ clockSec: 1_800_000_000, clockNsec: 1, receiveSec: 1_800_000_000, receiveNsec: 2 });
  const ok = readShm(att, scratch);
  assert.equal(ok.status, "ok");
  assert.deepEqual(ok.status === "ok" && ok.raw, decodeShmTime(seg.bytes));

  seg.consume(); // mode 1, count 2: a whole sample a consumer took
  const consumed = readShm(att, scratch);
  assert.equal(consumed.status, "consumed");
  assert.deepEqual(consumed.status === "consumed" && consumed.raw, decodeShmTime(seg.bytes));
  seg.view.setInt32(4, 3, true); // count odd: a write in progress
  assert.equal(readShm(att, scratch).status, "not_ready");
  seg.view.setInt32(4, 2, true);

  seg.write({ clockSec: 1, clockNsec: 0, receiveSec: 1, receiveNsec: 0, mode: 7 });
  const bad = readShm(att, scratch);
  assert.equal(bad.status, "bad_mode");
  assert.equal(bad.status === "bad_mode" && bad.raw.mode, 7);

  // mode 1, count changed during the copy: retried, counted, then a clean copy is returned
  seg.write({ clockSec: 1_800_000_001, clockNsec: 0, receiveSec: 1_800_000_001, receiveNsec: 0 });
  const twice = readShm(new TornSource(seg, 2), scratch);
  assert.equal(twice.status, "ok");
  assert.equal(twice.clashes, 2);
  // more torn copies than retries: given up as a clash, never returned
  const src = new TornSource(seg, 100);
  assert.deepEqual(readShm(src, scratch, 5), { status: "clash", clashes: 6 });
  assert.equal(src.copies, 6);

  // mode 0 ignores count (the writer does not promise the protocol)
  seg.write({
    clockSec: 1_800_000_002,
    clockNsec: 0,
    receiveSec: 1_800_000_002,
    receiveNsec: 0,
    mode: 0,
  });
  const m0 = readShm(new TornSource(seg, 1), scratch);
  assert.equal(m0.status, "ok");
  assert.equal(m0.clashes, 0);
});

Deno.test("readShm: exact RangeError when the scratch buffer is too small", async () => {
  await using _lock = await lockUnits0to7();
  removeUnit(UNIT);
  using seg = TestSegment.create(UNIT, 0o600);
  assert.throws(() => readShm(new TornSource(seg, 0), new Uint8Array(80)), {
    name: "RangeError",
    message: "Cannot decode shmTime: 80 bytes given, 96 needed",
  });
});
