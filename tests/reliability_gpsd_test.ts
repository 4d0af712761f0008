/**
 * Security: against live gpsd (writer) and NTPsec ntpd (consumer, run only as
 * `setpriv --bounding-set -sys_time -- ntpd -n -c CONF`), the real server changes no byte of the
 * segment that the writer and the consumer would not have changed, maps every segment read-only,
 * and leaves `ipcs -m` as it found it. gpsd creates units 0-7: holds lockUnits0to7 (serialized
 * with the other gpsd tests). TCP ports 29210-29211.
 */
import assert from "node:assert/strict";
import { ShmAttachment, shmLookup } from "../src/ffi/shm.ts";
import { SHM_TIME, SHM_TIME_SIZE, shmKey } from "../src/shm/layout.ts";
import { readShm } from "../src/shm/read.ts";
import { gpsdMissing, NmeaFeeder, startGpsd } from "./support/gpsd.ts";
import { ntpdMissing, startNtpd } from "./support/ntp_consumers.ts";
import { skipUnless } from "./support/prereq.ts";
import { removeUnit } from "./support/shm_writer.ts";
import { StdioServer, structured } from "./support/stdio_server.ts";
import { ipcsLines, lockUnits0to7, unitKeys } from "./support/sysv.ts";
import { sleep, waitFor } from "./support/wait.ts";

const PHASE_MS = 6_000;
const NAME =
  "never writes: with gpsd writing and ntpd consuming, the server changes no byte and no segment";

/** Transitions seen on unit 0, by who can have made them. */
interface Observed {
  writes: number;
  consumerClears: number;
  unexplained: string[];
  reads: number;
}

/**
 * Watches unit 0 (read-only, the `count` protocol) for `ms`, classifying every change between
 * successive copies: a new `count`, or `valid` 0 → 1 alone (its last step), is the writer;
 * `valid` 1 → 0 alone is the consumer (or the writer's first step); anything else is unexplained.
 */
async function observe(ms: number): Promise<Observed> {
  using att = ShmAttachment.attach(
    shmLookup(shmKey(0), "find unit 0"),
    SHM_TIME_SIZE,
    "attach unit 0",
  );
  const o: Observed = { writes: 0, consumerClears: 0, unexplained: [], reads: 0 };
  const buf = new Uint8Array(SHM_TIME_SIZE);
  let prev: Uint8Array | null = null;
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) {
      if (readShm(att, buf).status === "clash") continue;
      o.reads++;
      if (prev !== null && !buf.every((b, k) => b === prev![k])) {
        const v = (a: Uint8Array, at: number) => new DataView(a.buffer).getInt32(at, true);
        const changed = [...buf.keys()].filter((k) => buf[k] !== prev![k]);
        if (v(buf, SHM_TIME.count) !== v(prev, SHM_TIME.count)) o.writes++;
        else if (
          v(prev, SHM_TIME.valid) === 1 && v(buf, SHM_TIME.valid) === 0 &&
          changed.every((k) => k >= SHM_TIME.valid && k < SHM_TIME.valid + 4)
        ) o.consumerClears++;
        else if (
          v(prev, SHM_TIME.valid) === 0 && v(buf, SHM_TIME.valid) === 1 &&
          changed.every((k) => k >= SHM_TIME.valid && k < SHM_TIME.valid + 4)
        ) o.writes++; // the writer's last step (valid = 1 after the second count++)
        else o.unexplained.push(`bytes ${changed.join(",")} changed with count unchanged`);
      }
      prev = buf.slice();
    }
    await sleep(1);
  }
  return o;
}

/** `ipcs -m` of units 0-7 without the nattch column. */
async function ipcsSnapshot(): Promise<string[]> {
  return (await ipcsLines(unitKeys(0, 7))).map((l) => {
    const f = l.trim().split(/\s+/);
    f.splice(5, 1);
    return f.join(" ");
  });
}

Deno.test({
  name: NAME,
  ignore: skipUnless(NAME, [...gpsdMissing(), ...ntpdMissing()]),
  async fn() {
    await using _lock = await lockUnits0to7();
    for (let u = 0; u <= 7; u++) removeUnit(u);
    await using feeder = NmeaFeeder.start(29210);
    await using _gpsd = await startGpsd(29211, feeder.port);
    await waitFor("gpsd's segments", async () => (await ipcsSnapshot()).length === 8);
    await using _ntpd = await startNtpd([{ unit: 0 }]);
    // Wait until both act: a write and a consumer's clear.
    await waitFor("gpsd writing and ntpd clearing valid", async () => {
      const o = await observe(2_500);
      return o.writes > 0 && o.consumerClears > 0;
    }, { timeoutMs: 60_000 });

    const without = await observe(PHASE_MS);
    const before = await ipcsSnapshot();
    let during: string[] = [];
    let withServer: Observed;
    let maps: string[];
    {
      await using server = StdioServer.start(["--shm-units", "0-7", "--pps-device", "none"]);
      await server.initialize();
      await waitFor(
        "the server to attach units 0-7",
        () => server.sysvMappings().length === 8 || undefined,
      );
      withServer = await observe(PHASE_MS);
      const s = structured(await server.callTool("get_ntp_status"));
      const u0 = (s.shm as { unit: number; state: string; stats: { samples_seen: number } }[])[0]!;
      assert.equal(u0.state, "ok");
      assert.ok(u0.stats.samples_seen > 0);
      maps = server.sysvMappings();
      during = await ipcsSnapshot();
      await server.closeStdin();
      await server.exited;
      assert.deepEqual(server.stray, []);
    }
    await sleep(100);
    const after = await ipcsSnapshot();
    console.error(
      `never writes: unit 0 over ${
        PHASE_MS / 1000
      } s without the server: ${without.reads} reads, ${without.writes} writes, ` +
        `${without.consumerClears} consumer clears, ${without.unexplained.length} unexplained; with the server: ` +
        `${withServer.reads} reads, ${withServer.writes} writes, ${withServer.consumerClears} consumer clears, ` +
        `${withServer.unexplained.length} unexplained; server mappings: ${
          maps.map((l) => l.split(/\s+/)[1]).join(" ")
        }; ` +
        `ipcs -m (units 0-7, without nattch) identical before/during/after: ${
          JSON.stringify(before) === JSON.stringify(during) &&
          JSON.stringify(during) === JSON.stringify(after)
        }`,
    );
    assert.deepEqual(without.unexplained, []);
    assert.deepEqual(withServer.unexplained, []);
    assert.ok(
      withServer.writes > 0 && withServer.consumerClears > 0,
      "gpsd or ntpd stopped acting",
    );
    assert.equal(maps.length, 8);
    for (const l of maps) assert.equal(l.split(/\s+/)[1], "r--s", l);
    assert.deepEqual(during, before);
    assert.deepEqual(after, before);
  },
});
