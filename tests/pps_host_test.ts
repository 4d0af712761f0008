/**
 * The PPS monitor on this host, which has no PPS device (its kernel has no PPS client driver):
 * `no_device` for auto and for a missing path, `error` for a file that is not a PPS device,
 * `disabled` for none — never a crash, also under `deno task start`'s permission flags and as
 * nobody. (A real device: tests/pps_rig_test.ts.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { SyscallError } from "../src/ffi/errno.ts";
import { PpsDevice } from "../src/ffi/pps.ts";
import { PpsMonitor, type PpsReport } from "../src/pps/monitor.ts";
import { listPpsSources } from "../src/pps/sysfs.ts";
import { makeNobodyDenoDir, runWithStartFlags } from "./support/deno.ts";
import { isRoot, missing, skipUnless } from "./support/prereq.ts";

const hostHasPps = listPpsSources().length > 0;
const NO_PPS = [!hostHasPps, "this host has a PPS source in /sys/class/pps"] as [boolean, string];

Deno.test("PpsDevice: a file that is not a PPS device fails with the ioctl's errno", () => {
  using dev = PpsDevice.open("/dev/null");
  assert.throws(() => dev.capabilities(), (e) => {
    assert.ok(e instanceof SyscallError);
    assert.equal(
      e.message,
      "Cannot read the capabilities of /dev/null: ioctl failed: Inappropriate ioctl for device (ENOTTY)",
    );
    return true;
  });
  assert.throws(() => dev.fetch(), {
    message: /^Cannot fetch the latest event of \/dev\/null: .*\(ENOTTY\)$/,
  });
  dev[Symbol.dispose]();
  assert.throws(() => dev.params(), {
    message: "Cannot read the parameters of /dev/null: the device is closed",
  });
  assert.throws(() => PpsDevice.open("/dev/pps-none"), {
    message:
      "Cannot open PPS device /dev/pps-none: open failed: No such file or directory (ENOENT)",
  });
});

const IN_PROCESS =
  "PpsMonitor on a host without PPS: no_device, error, disabled; waits end at once";
Deno.test({ name: IN_PROCESS, ignore: skipUnless(IN_PROCESS, missing(NO_PPS)) }, async () => {
  const cases: [string, PpsReport["state"], RegExp][] = [
    ["auto", "no_device", /^No PPS device: \/sys\/class\/pps lists none\. .*dtoverlay=pps-gpio/],
    ["/dev/pps0", "no_device", /^\/dev\/pps0 does not exist \(.*\(ENOENT\)\)/],
    ["/dev/null", "error", /^Cannot read the capabilities of \/dev\/null: .*\(ENOTTY\) /],
    ["none", "disabled", /^PPS is disabled \(--pps-device none\)/],
  ];
  for (const [device, state, detail] of cases) {
    using m = new PpsMonitor({ device }).start();
    const t0 = performance.now();
    const r = await m.waitForPulses(3, 60_000);
    assert.ok(performance.now() - t0 < 30_000, `${device}: waitForPulses did not return early`);
    assert.equal(r.state, state, device);
    assert.match(r.detail, detail, device);
    assert.equal(r.source, null);
    assert.equal(r.assert_sequence, null);
    assert.equal(r.pulses_seen, 0);
    assert.equal(r.interval_mean_ns, null);
    assert.equal(r.edge_offset_mean_ns, null);
    assert.equal(typeof r.kernel_pps?.pps_signal, "boolean");
    assert.equal(m.report().state, state, `${device}: a second report`);
  }
  assert.throws(() => new PpsMonitor({ device: "" }), {
    name: "RangeError",
    message: "Cannot watch PPS: the device path is empty",
  });
  assert.throws(() => new PpsMonitor({ device: "auto", pollMs: 0 }), {
    name: "RangeError",
    message: "Cannot start PPS monitor: periods must be positive",
  });
});

interface ProbeLine {
  t: string;
  phase: string;
  report: PpsReport;
}

const FLAGS =
  "PpsMonitor under the start task's permission flags, as root and as nobody: no_device";
Deno.test(
  {
    name: FLAGS,
    ignore: skipUnless(FLAGS, missing(NO_PPS, [isRoot(), "not root (needed to run as nobody)"])),
  },
  async () => {
    const denoDir = await makeNobodyDenoDir();
    try {
      for (const asNobody of [false, true]) {
        for (const device of ["auto", "/dev/pps0"]) {
          const out = await runWithStartFlags<ProbeLine>(
            "tests/support/pps_probe.ts",
            ["--device", device],
            asNobody ? { asNobody, denoDir } : {},
          );
          assert.equal(out.phase, "final");
          assert.equal(
            out.report.state,
            "no_device",
            `${device} as ${asNobody ? "nobody" : "root"}: ${out.report.detail}`,
          );
          assert.equal(out.report.kernel_pps?.pps_signal, false);
        }
      }
    } finally {
      await Deno.remove(denoDir, { recursive: true });
    }
  },
);
