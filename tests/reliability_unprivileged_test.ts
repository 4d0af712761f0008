/**
 * Reliability/security: the real server run as nobody (uid 65534) with `deno task start`'s flags
 * against root-owned segments — 0600 (unreadable to it) and 0644 — re-permissioned while it
 * runs, and a root-only (0600) path as its PPS device (this host has no PPS device; the PPS rig
 * covers a real one). Every problem is diagnosed in the report; nothing is fatal. SHM units 59-60.
 */
import assert from "node:assert/strict";
import { hasCommand, isRoot, missing, skipUnless } from "./support/prereq.ts";
import { makeNobodyDenoDirWithNpm } from "./support/deno.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { StdioServer, structured } from "./support/stdio_server.ts";
import { sleep, waitFor } from "./support/wait.ts";

const PRIVATE = 59;
const OPEN = 60;
const NAME = "unprivileged: root-only segments and PPS device are diagnosed, not fatal";

interface Unit {
  unit: number;
  state: string;
  detail: string;
}

function writeNow(seg: TestSegment): void {
  const sec = Math.floor(Date.now() / 1000);
  seg.write({ clockSec: sec, clockNsec: 0, receiveSec: sec, receiveNsec: 0 });
}

Deno.test({
  name: NAME,
  ignore: skipUnless(
    NAME,
    missing([isRoot(), "needs root (setpriv to nobody)"], [hasCommand("setpriv"), "no setpriv"]),
  ),
  fn: async () => {
    removeUnit(PRIVATE);
    removeUnit(OPEN);
    using priv = TestSegment.create(PRIVATE, 0o600);
    using open = TestSegment.create(OPEN, 0o644);
    writeNow(priv);
    writeNow(open);
    const dir = await Deno.makeTempDir({ prefix: "unpriv_" });
    await Deno.chmod(dir, 0o755);
    const device = `${dir}/pps0`;
    await Deno.writeTextFile(device, "");
    await Deno.chmod(device, 0o600);
    const denoDir = await makeNobodyDenoDirWithNpm();
    const writing = setInterval(() => {
      writeNow(priv);
      writeNow(open);
    }, 200);
    try {
      await using server = StdioServer.start(
        ["--shm-units", `${PRIVATE},${OPEN}`, "--pps-device", device, "--stale-after", "5"],
        { asNobody: true, denoDir },
      );
      await server.initialize();
      const report = async () => {
        const s = structured(await server.callTool("get_ntp_status"));
        const units = s.shm as Unit[];
        return {
          s,
          p: units.find((u) => u.unit === PRIVATE)!,
          o: units.find((u) => u.unit === OPEN)!,
        };
      };
      let r = await waitFor("both units diagnosed", async () => {
        const r = await report();
        return r.p.state === "permission_denied" && r.o.state === "ok" ? r : undefined;
      });
      assert.match(r.p.detail, /mode 0600 owned by uid 0/);
      assert.match(r.p.detail, /this process \(uid 65534\) may not attach it/);
      const pps = r.s.pps as { state: string; detail: string };
      assert.ok(
        ["permission_denied", "error", "no_device"].includes(pps.state),
        JSON.stringify(pps),
      );
      assert.match(pps.detail, /EACCES|permission/i);
      const time = structured(await server.callTool("get_utc_time"));
      assert.equal(typeof time.utc, "string");

      // Re-permission both while the server runs (ctime has one-second resolution).
      await sleep(1100);
      priv.chmod(0o644);
      open.chmod(0o600);
      r = await waitFor("the re-permissioned units followed", async () => {
        const r = await report();
        return r.p.state === "ok" && r.o.state === "permission_denied" ? r : undefined;
      });
      console.error(
        `unprivileged (uid 65534): unit ${PRIVATE} 0600 -> permission_denied, then 0644 -> ok; ` +
          `unit ${OPEN} 0644 -> ok, then 0600 -> ${r.o.state}: "${r.o.detail.slice(0, 160)}…"; ` +
          `PPS ${device} (root 0600) -> ${pps.state}: "${pps.detail.slice(0, 160)}…"`,
      );
      assert.deepEqual(server.stray, []);
      assert.equal(server.exitStatus, null);
    } finally {
      clearInterval(writing);
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(denoDir, { recursive: true });
    }
  },
});
