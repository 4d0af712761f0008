/**
 * As an unprivileged user (uid/gid 65534, no groups), with exactly the `start` task's permission
 * flags: 0600 root segments are permission_denied with the fix; 0666 segments are read.
 * SHM units 4-5.
 */
import assert from "node:assert/strict";
import type { UnitReport } from "../src/shm/report.ts";
import { clockGettime } from "../src/ffi/clock.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { lockUnits0to7 } from "./support/sysv.ts";
import { makeNobodyDenoDir, runWithStartFlags } from "./support/deno.ts";
import { hasCommand, isRoot, missing, skipUnless } from "./support/prereq.ts";

const name = "as nobody: 0600 units are permission_denied with the fix, 0666 units are read";
Deno.test({
  name,
  ignore: skipUnless(
    name,
    missing([isRoot(), "needs root to create root segments and switch to nobody"], [
      hasCommand("setpriv"),
      "setpriv is missing",
    ]),
  ),
  async fn() {
    await using _lock = await lockUnits0to7();
    removeUnit(4);
    removeUnit(5);
    using priv = TestSegment.create(4, 0o600);
    using pub = TestSegment.create(5, 0o666);
    const now = clockGettime();
    const s = {
      clockSec: now.sec,
      clockNsec: 0,
      receiveSec: now.sec,
      receiveNsec: 987_654_321,
      leap: 0,
    };
    priv.write(s);
    pub.write(s);
    const denoDir = await makeNobodyDenoDir();
    try {
      const out = await runWithStartFlags<{ uid: number; units: UnitReport[] }>(
        "tests/support/shm_probe.ts",
        ["4,5", "300"],
        { asNobody: true, denoDir },
      );
      assert.equal(out.uid, 65534);
      const [denied, read] = out.units;
      assert.equal(denied!.state, "permission_denied");
      assert.deepEqual(
        [denied!.permissions, denied!.owner_uid, denied!.size, denied!.last_sample],
        ["0600", 0, 96, null],
      );
      assert.equal(
        denied!.detail,
        "The segment is mode 0600 owned by uid 0 (gid 0); this process (uid 65534) may not attach it (Cannot stat NTP segment 4: shmctl failed: Permission denied (EACCES)). Fix: run the server as uid 0, or use a world-readable unit (gpsd creates units 2-7 with mode 0666: point ntpd at 127.127.28.2 and run with --shm-units 2), or have the creator make it readable (chrony: refclock SHM 4:perm=0644; NTPsec: unit 2 or above without the 'mode 1' word).",
      );
      assert.equal(read!.state, "ok");
      assert.equal(read!.permissions, "0666");
      assert.equal(read!.last_sample!.receive_unix_ns, `${now.sec}987654321`);
      assert.equal(read!.last_sample!.offset_ns, -987_654_321);
    } finally {
      await Deno.remove(denoDir, { recursive: true });
    }
  },
});
