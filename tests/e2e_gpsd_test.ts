/**
 * End to end against gpsd: a live 1 Hz NMEA feed, gpsd writing SHM unit 0, and the MCP Inspector
 * CLI calling the server (started as `deno task start` does) with `--shm-units 0`. gpsd creates
 * units 0-7, so the test holds lockUnits0to7 (serialized with every other gpsd-based test).
 * TCP ports 29100-29101.
 */
import assert from "node:assert/strict";
import { readKernelClock } from "../src/kernel/read.ts";
import { gpsdMissing, NmeaFeeder, startGpsd } from "./support/gpsd.ts";
import { inspect, inspectorMissing } from "./support/inspector.ts";
import { skipUnless } from "./support/prereq.ts";
import { removeUnit } from "./support/shm_writer.ts";
import { lockUnits0to7, unitKeys } from "./support/sysv.ts";
import { waitFor } from "./support/wait.ts";

const name = "inspector: get_ntp_status and get_utc_time with gpsd writing unit 0";
Deno.test({
  name,
  ignore: skipUnless(name, [...gpsdMissing(), ...await inspectorMissing()]),
  async fn() {
    await using _lock = await lockUnits0to7();
    for (let u = 0; u <= 7; u++) removeUnit(u);
    await using feeder = NmeaFeeder.start(29100);
    await using gpsd = await startGpsd(29101, feeder.port);
    const server = ["--shm-units", "0", "--pps-device", "none"];

    // gpsd writes once a second after a fix: ask until the server reports a fresh sample.
    const status = await waitFor("a fresh gpsd sample through the server", async () => {
      if (gpsd.exitStatus !== null) throw new Error(`gpsd exited: ${await gpsd.log()}`);
      const r = await inspect(["--method", "tools/call", "--tool-name", "get_ntp_status"], server);
      assert.equal(r.code, 0, r.stderr);
      return r.result.structuredContent.shm_valid === true && r.result.structuredContent;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    const unit0 = status.shm[0];
    assert.deepEqual(
      [unit0.unit, unit0.state, unit0.permissions, unit0.owner_uid, unit0.size],
      [0, "ok", "0600", 0, 96],
    );
    assert.deepEqual(
      [unit0.last_sample.precision, unit0.last_sample.mode, unit0.last_sample.leap],
      [-20, 1, "none"],
    );
    assert.deepEqual(
      [status.shm_interface, status.hardware_clock, status.pps_enabled],
      ["connected", "GPS via SHM(0)", false],
    );
    console.error(
      `gpsd via inspector: offset ${unit0.last_sample.offset_ns} ns, age ${unit0.last_sample.age_ms} ms`,
    );

    const k = readKernelClock();
    const utc = await inspect(["--method", "tools/call", "--tool-name", "get_utc_time"], server);
    assert.equal(utc.code, 0, utc.stderr);
    const u = utc.result.structuredContent;
    assert.equal(u.synchronized, k.synchronized);
    assert.equal(u.source, k.synchronized ? "SHM(0) GPS" : "unsynchronized");

    const removed = await gpsd.stop();
    assert.ok(unitKeys(0, 7).every((key) => removed.includes(key)), "gpsd's segments removed");
  },
});
