/**
 * gpsd as the real NTP SHM writer (a live 1 Hz NMEA feed over TCP), compared with the reference
 * reader ntpshmmon; NTPsec ntpd and chronyd as consumers clearing `valid` while we monitor.
 * gpsd creates units 0-7: every test here holds lockUnits0to7 and removes what the daemons left.
 * TCP ports 29000-29005.
 */
import assert from "node:assert/strict";
import { ShmMonitor } from "../src/shm/monitor.ts";
import type { SampleReport, UnitReport } from "../src/shm/report.ts";
import { decodeShmTime } from "../src/shm/decode.ts";
import { SHM_TIME_SIZE, shmKey } from "../src/shm/layout.ts";
import { ShmAttachment, shmLookup } from "../src/ffi/shm.ts";
import { gpsdMissing, NmeaFeeder, startGpsd } from "./support/gpsd.ts";
import { chronydMissing, ntpdMissing, startChronyd, startNtpd } from "./support/ntp_consumers.ts";
import { asNtpshmmonTime, ntpshmmon } from "./support/ntpshmmon.ts";
import { hasCommand, skipUnless } from "./support/prereq.ts";
import { listSegments, lockUnits0to7, unitKeys } from "./support/sysv.ts";
import { sleep, waitFor } from "./support/wait.ts";
import { removeUnit } from "./support/shm_writer.ts";
import type { Daemon } from "./support/daemon.ts";

function unitOf(m: ShmMonitor, unit: number): UnitReport {
  const r = m.report().find((u) => u.unit === unit);
  assert.ok(r, `unit ${unit} is watched`);
  return r;
}

/** Removes units 0-7 left by an earlier, interrupted run. */
function clearUnits0to7(): void {
  for (let u = 0; u <= 7; u++) removeUnit(u);
}

/** Waits until unit `unit` reports `n` distinct samples with state ok. */
async function waitSamples(m: ShmMonitor, unit: number, n: number, d: Daemon): Promise<UnitReport> {
  return await waitFor(`${n} samples on unit ${unit}`, async () => {
    if (d.exitStatus !== null) throw new Error(`${d.name} exited: ${await d.log()}`);
    const r = unitOf(m, unit);
    return r.state === "ok" && r.stats.samples_seen >= n && r;
  }, { timeoutMs: 60_000 });
}

const gpsdName = "gpsd writes unit 0 from a live NMEA feed; we read what ntpshmmon reads";
Deno.test({
  name: gpsdName,
  ignore: skipUnless(gpsdName, [
    ...gpsdMissing(),
    ...(hasCommand("ntpshmmon") ? [] : ["ntpshmmon is missing (apt gpsd-clients)"]),
  ]),
  async fn() {
    await using _lock = await lockUnits0to7();
    clearUnits0to7();
    using m = new ShmMonitor({ units: [0, 1, 2, 7], pollMs: 20 }).start();
    await using feeder = NmeaFeeder.start(29000);
    await using gpsd = await startGpsd(29001, feeder.port);

    // time to first sample: from spawning gpsd to our monitor's first sample of unit 0
    const first = await waitSamples(m, 0, 1, gpsd);
    const firstMs = performance.now() - gpsd.startedAt;
    console.error(`gpsd: first sample on unit 0 ${firstMs.toFixed(0)} ms after gpsd started`);
    assert.equal(first.last_sample!.precision, -20);
    assert.equal(first.last_sample!.mode, 1);
    assert.equal(first.last_sample!.nsamples, 3);
    assert.equal(first.last_sample!.leap, "none");

    // gpsd's segments: root-owned, units 0-1 0600, 2-7 0666, 96 bytes, created by gpsd
    const created = listSegments().filter((s) => s.cpid === gpsd.pid).map((s) => s.key);
    assert.deepEqual(created.filter((k) => unitKeys(0, 7).includes(k)).sort(), unitKeys(0, 7));
    for (const [u, perm] of [[0, "0600"], [1, "0600"], [2, "0666"], [7, "0666"]] as const) {
      const r = unitOf(m, u);
      assert.deepEqual([r.permissions, r.owner_uid, r.size], [perm, 0, 96], `unit ${u}`);
    }
    assert.equal(unitOf(m, 1).state, "not_ready"); // no PPS: gpsd writes nothing there

    // the same samples as the reference reader: collect ours while ntpshmmon reads 3
    const ours = new Map<string, SampleReport>();
    let collecting = true;
    const collector = (async () => {
      while (collecting) {
        const s = unitOf(m, 0).last_sample;
        if (s !== null) ours.set(asNtpshmmonTime(s.reference_unix_ns), s);
        await sleep(20);
      }
    })();
    const ref = (await ntpshmmon(1000, 4)).filter((x) => x.name === "NTP0"); // all, for 4 s
    await sleep(200);
    collecting = false;
    await collector;
    assert.ok(ref.length >= 2, `ntpshmmon printed ${ref.length} NTP0 samples`);
    let matched = 0;
    for (const r of ref) {
      const s = ours.get(r.real);
      if (s === undefined) continue; // ntpshmmon's first sample may predate our collection
      matched++;
      assert.equal(asNtpshmmonTime(s.receive_unix_ns), r.clock, "receive = ntpshmmon Clock");
      assert.equal(asNtpshmmonTime(s.reference_unix_ns), r.real, "reference = ntpshmmon Real");
      assert.equal(s.leap, ["none", "insert", "delete", "unsynchronized"][r.leap]);
      assert.equal(s.precision, r.precision);
    }
    assert.ok(matched >= 2, `${matched} of ntpshmmon's samples matched ours`);

    const r = await waitSamples(m, 0, 4, gpsd);
    assert.ok(r.last_sample!.age_ms < 5_000, `age ${r.last_sample!.age_ms} ms`);
    console.error(
      `gpsd: ${r.stats.samples_seen} samples, clashes ${r.stats.clashes}, clash failures ${r.stats.clash_failures}, mean offset ${r.stats.mean_offset_ns} ns, jitter ${r.stats.jitter_ns} ns`,
    );

    // stopping gpsd removes the segments it created (gpsd never does)
    m[Symbol.dispose]();
    const removed = await gpsd.stop();
    assert.ok(unitKeys(0, 7).every((k) => removed.includes(k)), "units 0-7 removed after gpsd");
  },
});

/** Reads `valid` of `unit` directly every 20 ms for `ms`; true when seen cleared after a write. */
async function sawValidCleared(unit: number, ms: number): Promise<boolean> {
  using att = ShmAttachment.attach(shmLookup(shmKey(unit), "find"), SHM_TIME_SIZE, "attach");
  const buf = new Uint8Array(SHM_TIME_SIZE);
  const deadline = performance.now() + ms;
  let sawValid = false;
  while (performance.now() < deadline) {
    att.copyInto(buf, 1);
    const raw = decodeShmTime(buf);
    if (raw.valid === 1) sawValid = true;
    else if (sawValid && raw.count > 0) return true;
    await sleep(20);
  }
  return false;
}

const ntpdName = "NTPsec ntpd consumes gpsd's samples; we still report fresh samples and its perms";
Deno.test({
  name: ntpdName,
  ignore: skipUnless(ntpdName, [...gpsdMissing(), ...ntpdMissing()]),
  async fn() {
    await using _lock = await lockUnits0to7();
    clearUnits0to7();
    using m = new ShmMonitor({ units: [0, 2, 3], pollMs: 50 }).start();
    await using ntpd = await startNtpd([{ unit: 0 }, { unit: 2 }, { unit: 3, private: true }]);
    await waitFor("ntpd's segments", () => {
      m.poll();
      return [0, 2, 3].every((u) => unitOf(m, u).state === "not_ready");
    }, { timeoutMs: 30_000 });
    // NTPsec: units 0-1 0600; unit >= 2 0666 unless "mode 1" (private) -> 0600
    for (const [u, perm] of [[0, "0600"], [2, "0666"], [3, "0600"]] as const) {
      const r = unitOf(m, u);
      assert.deepEqual([r.permissions, r.owner_uid, r.size], [perm, 0, 96], `ntpd unit ${u}`);
    }

    await using feeder = NmeaFeeder.start(29002);
    await using gpsd = await startGpsd(29003, feeder.port);
    const r = await waitSamples(m, 0, 3, gpsd);
    assert.ok(await sawValidCleared(0, 5_000), "ntpd clears valid after each sample");
    const fresh = await waitSamples(m, 0, r.stats.samples_seen + 2, gpsd);
    assert.ok(fresh.last_sample!.age_ms < 5_000, `age ${fresh.last_sample!.age_ms} ms`);
    assert.ok(fresh.last_sample!.age_ms >= 0);
    assert.equal(fresh.permissions, "0600", "gpsd keeps the creator's permissions");
    assert.equal(fresh.attach_count! >= 3, true, "ntpd, gpsd and we are attached");
    console.error(
      `ntpd+gpsd: ${fresh.stats.samples_seen} samples, age ${
        fresh.last_sample!.age_ms
      } ms, clashes ${fresh.stats.clashes}`,
    );
    assert.equal(ntpd.exitStatus, null, await ntpd.log());
    m[Symbol.dispose]();
    await gpsd.stop();
    await ntpd.stop();
    assert.deepEqual(listSegments().filter((s) => unitKeys(0, 7).includes(s.key)), []);
  },
});

const chronyName = "chronyd consumes gpsd's samples; we still report fresh samples and its perms";
Deno.test({
  name: chronyName,
  ignore: skipUnless(chronyName, [...gpsdMissing(), ...chronydMissing()]),
  async fn() {
    await using _lock = await lockUnits0to7();
    clearUnits0to7();
    using m = new ShmMonitor({ units: [0, 3], pollMs: 50 }).start();
    await using chronyd = await startChronyd([{ unit: 0 }, { unit: 3, perm: "0666" }]);
    await waitFor("chronyd's segments", async () => {
      if (chronyd.exitStatus !== null) throw new Error(`chronyd exited: ${await chronyd.log()}`);
      m.poll();
      return [0, 3].every((u) => unitOf(m, u).state === "not_ready");
    }, { timeoutMs: 30_000 });
    for (const [u, perm] of [[0, "0600"], [3, "0666"]] as const) {
      const r = unitOf(m, u);
      assert.deepEqual([r.permissions, r.owner_uid, r.size], [perm, 0, 96], `chronyd unit ${u}`);
    }

    await using feeder = NmeaFeeder.start(29004);
    await using gpsd = await startGpsd(29005, feeder.port);
    const r = await waitSamples(m, 0, 3, gpsd);
    assert.ok(await sawValidCleared(0, 5_000), "chronyd clears valid after each sample");
    const fresh = await waitSamples(m, 0, r.stats.samples_seen + 2, gpsd);
    assert.ok(fresh.last_sample!.age_ms < 5_000 && fresh.last_sample!.age_ms >= 0);
    console.error(
      `chronyd+gpsd: ${fresh.stats.samples_seen} samples, age ${
        fresh.last_sample!.age_ms
      } ms, clashes ${fresh.stats.clashes}`,
    );
    assert.equal(chronyd.exitStatus, null, await chronyd.log());
    m[Symbol.dispose]();
    await gpsd.stop();
    await chronyd.stop();
    assert.deepEqual(listSegments().filter((s) => unitKeys(0, 7).includes(s.key)), []);
  },
});
