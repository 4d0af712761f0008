/**
 * Read + decode of one NTP SHM unit (a real segment, unit 74 of the bench range, written once by the test writer):
 * the copy with the mode-1 `count` check, the decode, and a whole monitor poll of the unit
 * (lookup, stat, read). Run natively with `deno task bench`, or under qemu-aarch64 with the arm64
 * Deno (see tests/support/deno.ts).
 */
import { readShm } from "../../src/shm/read.ts";
import { toSample } from "../../src/shm/decode.ts";
import { SHM_TIME_SIZE, shmKey } from "../../src/shm/layout.ts";
import { ShmAttachment, shmLookup } from "../../src/ffi/shm.ts";
import { ShmUnit } from "../../src/shm/unit.ts";
import { monotonicMs } from "../../src/ffi/clock.ts";
import { removeUnit, TestSegment } from "../support/shm_writer.ts";

const UNIT = 74;
removeUnit(UNIT);
const seg = TestSegment.create(UNIT, 0o600);
seg.write({ clockSec: 1_795_503_661, clockNsec: 5, receiveSec: 1_795_503_661, receiveNsec: 999 });
const att = ShmAttachment.attach(shmLookup(shmKey(UNIT), "find"), SHM_TIME_SIZE, "attach");
const unit = new ShmUnit(UNIT);
const scratch = new Uint8Array(SHM_TIME_SIZE);

Deno.bench("read one unit (copy + count check + decode)", { baseline: true }, () => {
  const r = readShm(att, scratch);
  if (r.status !== "ok") throw new Error(`Cannot bench: read ${r.status}`);
});

Deno.bench("read one unit and resolve the sample (toSample)", () => {
  const r = readShm(att, scratch);
  if (r.status !== "ok") throw new Error(`Cannot bench: read ${r.status}`);
  toSample(r.raw);
});

Deno.bench("monitor poll of one unit (shmget + IPC_STAT + read)", () => {
  unit.poll(monotonicMs());
});

globalThis.addEventListener("unload", () => {
  unit[Symbol.dispose]();
  att[Symbol.dispose]();
  seg[Symbol.dispose]();
});
