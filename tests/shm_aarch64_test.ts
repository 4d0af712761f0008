/**
 * aarch64: the decoding tests and the live-read tests run again under qemu-aarch64-static with
 * the arm64 Deno from npm (@deno/linux-arm64-glibc 2.9.5), against segments on this host; and
 * the arm64 monitor, run with the `start` task's flags, reads a host segment exactly as written.
 * SHM units 4-7 (the inner tests hold the units lock through the parent).
 */
import assert from "node:assert/strict";
import type { UnitReport } from "../src/shm/report.ts";
import { clockGettime } from "../src/ffi/clock.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { lockUnits0to7, UNITS_LOCK_HELD_ENV } from "./support/sysv.ts";
import { arm64Missing, runDeno, runWithStartFlags } from "./support/deno.ts";
import { skipUnless } from "./support/prereq.ts";

const testsName = "aarch64 (qemu): decoding, read protocol and monitor tests pass";
Deno.test({
  name: testsName,
  ignore: skipUnless(testsName, arm64Missing()),
  async fn() {
    await using _lock = await lockUnits0to7();
    const files = [
      "tests/shm_decode_test.ts",
      "tests/stats_timex_test.ts",
      "tests/shm_read_test.ts",
      "tests/shm_monitor_test.ts",
    ];
    const r = await runDeno(["test", "--allow-all", "--no-check", ...files], {
      arch: "aarch64",
      env: { [UNITS_LOCK_HELD_ENV]: "1" },
    });
    const summary = r.stdout.split("\n").filter((l) => /passed|failed/.test(l)).join("\n");
    console.error(`aarch64 deno test: ${summary.trim()}`);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /ok \| \d+ passed \| 0 failed/);
  },
});

const liveName = "aarch64 (qemu): the monitor with the start flags reads a host segment";
Deno.test({
  name: liveName,
  ignore: skipUnless(liveName, arm64Missing()),
  async fn() {
    await using _lock = await lockUnits0to7();
    removeUnit(6);
    using seg = TestSegment.create(6, 0o600);
    const now = clockGettime();
    seg.write({
      clockSec: now.sec,
      clockNsec: 1,
      receiveSec: now.sec,
      receiveNsec: 999_999_999,
      leap: 2,
      precision: -21,
    });
    const out = await runWithStartFlags<{ arch: string; units: UnitReport[] }>(
      "tests/support/shm_probe.ts",
      ["6", "500"],
      { arch: "aarch64" },
    );
    assert.equal(out.arch, "aarch64");
    const u = out.units[0]!;
    assert.equal(u.state, "ok");
    assert.deepEqual(
      [u.permissions, u.size, u.attach_count, u.stats.attaches, u.stats.samples_seen],
      ["0600", 96, 2, 1, 1],
    );
    const s = u.last_sample!;
    assert.equal(s.reference_unix_ns, `${now.sec}000000001`);
    assert.equal(s.receive_unix_ns, `${now.sec}999999999`);
    assert.deepEqual(
      [s.offset_ns, s.leap, s.precision, s.nsamples, s.mode, s.count, s.ns_precision],
      [-999_999_998, "delete", -21, 3, 1, 2, true],
    );
  },
});
