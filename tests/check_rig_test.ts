/**
 * `--check` on a real kernel PPS device (the PPS rig), run exactly as `deno task check` runs it:
 * as root it reads the pulses with PPS_FETCH, as nobody through the sysfs fallback; both see
 * pulses during the bounded wait and complete the MCP self-handshake. One boot.
 */
import assert from "node:assert/strict";
import type { CheckLine, CheckReport } from "../src/check/report.ts";
import { startFlags } from "./support/deno.ts";
import { skipUnless } from "./support/prereq.ts";
import { bootRig, GUEST_PROLOGUE, rigMissing } from "./support/pps_rig.ts";

const NAME = "--check in the PPS rig: PPS_FETCH as root, sysfs fallback as nobody";
const UNIT = 94; // no segment in the guest

function guestScript(): string {
  const check = `/mnt/deno run --cached-only ${
    startFlags().join(" ")
  } main.ts --check --json --shm-units ${UNIT} --pps-device /dev/pps0`;
  return `${GUEST_PROLOGUE}cd /tmp/app
DENO_DIR=/tmp/dd ${check} > /tmp/root.json 2> /tmp/root.err; echo "RIG-OUT root-rc $?"
su nobody -c "cd /tmp/app && HOME=/tmp DENO_DIR=/tmp/dd ${check} > /tmp/nobody.json 2> /tmp/nobody.err; echo RIG-OUT nobody-rc \\$?"
for f in root nobody; do
  echo "RIG-JSON $f $(busybox tr -d '\\n' < /tmp/$f.json)"
  busybox sed "s/^/RIG-ERR $f /" /tmp/$f.err
done
`;
}

function report(console: string, who: string): CheckReport {
  const m = new RegExp(`^RIG-JSON ${who} (.*)$`, "m").exec(console);
  assert.ok(m, `no --check output from ${who}:\n${console}`);
  return JSON.parse(m[1]!) as CheckReport;
}

function ppsLine(r: CheckReport): CheckLine {
  const l = r.lines.find((x) => x.section === "pps");
  assert.ok(l, JSON.stringify(r.lines));
  return l;
}

Deno.test({ name: NAME, ignore: skipUnless(NAME, rigMissing()) }, async (t) => {
  const out = await bootRig(["main.ts", "deno.json", "src"], "main.ts", guestScript());
  const root = report(out, "root");
  const nobody = report(out, "nobody");
  for (const [who, r] of [["root", root], ["nobody", nobody]] as const) {
    // Degraded at most: the guest has no SHM source and no synchronized clock.
    assert.ok(out.includes(`RIG-OUT ${who}-rc ${r.exit_code}`), `${who}: exit code\n${out}`);
    assert.notEqual(r.exit_code, 2, `${who}: cannot run\n${out}`);
    console.error(`check rig ${who}: ${ppsLine(r).message}; --check took ${r.duration_ms} ms`);
  }

  await t.step("as root: PPS_FETCH, pulses seen during the bounded wait", () => {
    const l = ppsLine(root);
    assert.equal(l.level, "OK", l.message);
    assert.match(l.message, /^active: \/dev\/pps0 \(\S+\), read via PPS_FETCH; (\d+) pulses seen/);
    assert.ok(Number(/; (\d+) pulses seen/.exec(l.message)![1]) >= 2, l.message);
    assert.equal(root.status!.pps.source, "ioctl");
    assert.equal(root.status!.hardware_clock, "PPS active");
  });

  await t.step("as nobody: the sysfs fallback, said so, same pulses", () => {
    const l = ppsLine(nobody);
    assert.equal(l.level, "OK", l.message);
    assert.match(
      l.message,
      /^active: \/dev\/pps0 \(\S+\), read via the sysfs fallback \(the device node is not readable\); \d+ pulses seen/,
    );
    assert.equal(nobody.status!.pps.source, "sysfs");
    assert.match(nobody.status!.pps.ioctl_error!, /EACCES/);
  });

  await t.step("both: the MCP self-handshake called every tool", () => {
    for (const r of [root, nobody]) {
      const mcp = r.lines.filter((l) => l.section === "mcp");
      assert.ok(mcp.length >= 6, JSON.stringify(mcp));
      for (const l of mcp) assert.equal(l.level, "OK", l.message);
    }
  });
});
