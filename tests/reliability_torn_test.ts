/**
 * Reliability: torn reads and the read-only attachment, against real SysV segments written by a
 * separate process (tests/support/torn_writer.ts). SHM units 50-51.
 */
import assert from "node:assert/strict";
import { ShmAttachment, shmLookup } from "../src/ffi/shm.ts";
import { decodeShmTime } from "../src/shm/decode.ts";
import { SHM_TIME, SHM_TIME_SIZE, shmKey } from "../src/shm/layout.ts";
import { readShm } from "../src/shm/read.ts";
import { ShmUnit } from "../src/shm/unit.ts";
import { ReadyChild } from "./support/ready_child.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { patternMismatch, patternOffsetNs, patternSample } from "./support/torn_writer.ts";

const TORN_UNIT = 50;
const RDONLY_UNIT = 51;
const READS = 1_000_000;
const MONITOR_POLLS = 100_000;
const CONTROL_COPIES = 100_000;
const support = (name: string) => new URL(`./support/${name}`, import.meta.url).pathname;

/** Starts the torn writer on `unit` (it writes until `stopFile` exists). */
async function startWriter(unit: number, stopFile: string) {
  const child = await ReadyChild.start(
    ["--allow-ffi", "--allow-read", "--allow-write"],
    "torn_writer.ts",
    [String(unit), stopFile],
  );
  return {
    /** Stops the writer and returns how many samples it wrote. */
    async stop(): Promise<number> {
      Deno.writeTextFileSync(stopFile, "");
      const { status, out } = await child.finish();
      assert.equal(status.code, 0, `torn writer failed: ${out}`);
      return JSON.parse(out).writes;
    },
  };
}

Deno.test("torn reads: 10^6 reads of a segment rewritten flat out accept no inconsistent sample", async () => {
  removeUnit(TORN_UNIT);
  const dir = Deno.makeTempDirSync({ prefix: "torn_" });
  const writer = await startWriter(TORN_UNIT, `${dir}/stop`);
  try {
    const scratch = new Uint8Array(SHM_TIME_SIZE);
    const t = {
      ok: 0,
      notReady: 0,
      consumed: 0,
      clashReads: 0,
      clashes: 0,
      gaveUp: 0,
      torn: 0,
      distinct: 0,
      controlTorn: 0,
    };
    const tornExamples: string[] = [];
    let lastN = -1;
    let reads = 0;
    const t0 = performance.now();
    {
      const id = shmLookup(shmKey(TORN_UNIT), "find the torn-test segment");
      using att = ShmAttachment.attach(id, SHM_TIME_SIZE, "attach the torn-test segment");
      // At least READS reads; on a loaded machine the writer may get little CPU meanwhile, so go
      // on (bounded) until it has written enough distinct samples for the proof to mean something.
      const minDistinct = 1000;
      const deadline = t0 + 120_000;
      for (; reads < READS || (t.distinct < minDistinct && performance.now() < deadline); reads++) {
        const r = readShm(att, scratch);
        t.clashes += r.clashes;
        if (r.clashes > 0) t.clashReads++;
        if (r.status === "clash") {
          t.gaveUp++;
          continue;
        }
        if (r.status === "not_ready") {
          t.notReady++;
          continue;
        }
        assert.ok(r.status === "ok" || r.status === "consumed", `unexpected status ${r.status}`);
        if (r.status === "consumed") t.consumed++; // valid=0, count even: the previous whole sample
        t.ok++;
        const why = patternMismatch(r.raw);
        if (why !== null) {
          t.torn++;
          if (tornExamples.length < 5) tornExamples.push(why);
        } else if (r.raw.nsamples !== lastN) {
          lastN = r.raw.nsamples;
          t.distinct++;
        }
      }
      // Control: the same copies taken without the protocol (no valid/count checks) do tear,
      // so the invariant above would catch a torn sample.
      for (let i = 0; i < CONTROL_COPIES; i++) {
        att.copyInto(scratch, SHM_TIME.count >> 2);
        if (patternMismatch(decodeShmTime(scratch)) !== null) t.controlTorn++;
      }
    }
    const readMs = performance.now() - t0;

    // The monitor's own unit object, polled as the sampler polls (lookup, stat, read).
    let monitorTorn = 0;
    let monitorSeen = 0;
    {
      using u = new ShmUnit(TORN_UNIT);
      for (let i = 0; i < MONITOR_POLLS; i++) {
        u.poll(i);
        const s = u.last?.sample;
        if (s === undefined) continue;
        const w = patternSample(s.nsamples);
        if (
          s.offsetNs !== patternOffsetNs(s.nsamples) || s.count !== 2 * s.nsamples ||
          s.reference.sec !== w.clockSec || s.reference.nsec !== w.clockNsec ||
          s.leap !== w.leap || s.precision !== w.precision
        ) monitorTorn++;
      }
      monitorSeen = u.samplesSeen;
      assert.equal(u.phase, "attached");
    }
    const writes = await writer.stop();
    console.error(
      `torn reads: ${reads} readShm calls in ${
        readMs.toFixed(0)
      } ms while the writer wrote ${writes} samples: ` +
        `${t.ok} accepted (${t.consumed} of them with valid=0 and count even; ${t.distinct} distinct samples), ` +
        `${t.notReady} not_ready (count odd: mid-write), ` +
        `${t.clashReads} reads met ${t.clashes} torn copies (count changed; retried), ${t.gaveUp} gave up, ` +
        `${t.torn} inconsistent accepted; monitor: ${MONITOR_POLLS} polls, ${monitorSeen} samples, ${monitorTorn} inconsistent; ` +
        `control: ${t.controlTorn} of ${CONTROL_COPIES} unprotected copies were inconsistent`,
    );
    assert.deepEqual(tornExamples, [], "inconsistent samples were accepted");
    assert.equal(t.torn, 0);
    assert.equal(monitorTorn, 0);
    assert.ok(t.ok > 0, "no sample accepted at all");
    assert.ok(
      t.distinct > 100,
      `the writer did not write while we read (${t.distinct} distinct samples)`,
    );
  } finally {
    Deno.writeTextFileSync(`${dir}/stop`, "");
    removeUnit(TORN_UNIT);
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the attachment is read-only: a write through it faults (SIGSEGV) and changes nothing", async () => {
  removeUnit(RDONLY_UNIT);
  using seg = TestSegment.create(RDONLY_UNIT, 0o600);
  seg.write(patternSample(7));
  const before = seg.bytes.slice();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", support("rdonly_write_probe.ts"), String(RDONLY_UNIT)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  console.error(
    `read-only probe: mapping ${stdout.trim()}; exit code ${out.code}, signal ${out.signal}`,
  );
  const perms = stdout.trim().split(/\s+/)[1];
  assert.equal(perms, "r--s", "the mapping is not read-only shared");
  assert.ok(!stdout.includes("wrote"), "the write through the attachment succeeded");
  assert.equal(out.signal, "SIGSEGV", new TextDecoder().decode(out.stderr));
  assert.deepEqual(seg.bytes.slice(), before, "the segment changed");
});
