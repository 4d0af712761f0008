/**
 * main.ts as a process (the start task's flags): flags, stdout carrying only JSON-RPC, and a fast
 * release on stdin EOF, SIGTERM and SIGINT with the segment detached (SHM unit 45).
 */
import assert from "node:assert/strict";
import { USAGE } from "../src/cli.ts";
import { clockGettime } from "../src/ffi/clock.ts";
import { shmKey } from "../src/shm/layout.ts";
import { VERSION } from "../src/version.ts";
import { ROOT, startFlags } from "./support/deno.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { StdioServer, structured } from "./support/stdio_server.ts";
import { listSegments } from "./support/sysv.ts";

const UNIT = 45;

function attachCount(): number | undefined {
  return listSegments().find((s) => s.key === shmKey(UNIT))?.nattch;
}

async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...startFlags(), "main.ts", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("flags: --version, --help, bad flags", async () => {
  assert.deepEqual(await run(["--version"]), {
    code: 0,
    stdout: `mcp-utc-time ${VERSION}\n`,
    stderr: "",
  });
  assert.deepEqual(await run(["--help"]), { code: 0, stdout: USAGE, stderr: "" });
  const bad = await run(["--shm-unit", "4"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, "");
  assert.match(bad.stderr, /^mcp-utc-time: Cannot parse flags: Unknown option '--shm-unit'/);
  assert.deepEqual(await run(["--shm-units", "300"]), {
    code: 2,
    stdout: "",
    stderr:
      'mcp-utc-time: Cannot parse flags: --shm-units "300": "300" is not a unit or range of units 0-255 (e.g. 0,1 or 0-3)\n',
  });
  assert.deepEqual(await run(["--stale-after", "0"]), {
    code: 2,
    stdout: "",
    stderr:
      'mcp-utc-time: Cannot parse flags: --stale-after "0": expected a positive number of seconds, e.g. 10 or 2.5\n',
  });
});

for (const how of ["stdin EOF", "SIGTERM", "SIGINT"] as const) {
  Deno.test(`${how}: exits 0 at once, segment detached, stdout only JSON-RPC`, async () => {
    removeUnit(UNIT);
    using seg = TestSegment.create(UNIT, 0o600);
    const t = clockGettime();
    seg.write({ clockSec: t.sec, clockNsec: t.nsec, receiveSec: t.sec, receiveNsec: t.nsec });
    await using server = StdioServer.start(["--shm-units", String(UNIT), "--pps-device", "none"]);
    await server.initialize();
    const s = structured(await server.callTool("get_ntp_status", {}));
    assert.equal((s.shm as { state: string }[])[0]!.state, "ok");
    assert.equal(attachCount(), 2); // the writer and the server
    const t0 = performance.now();
    if (how === "stdin EOF") await server.closeStdin();
    else server.child.kill(how);
    const { status, at } = await server.exited;
    const ms = at - t0;
    console.error(`${how}: exited ${ms.toFixed(0)} ms after it (code ${status.code})`);
    assert.equal(status.code, 0, server.stderr);
    assert.equal(attachCount(), 1); // only the writer
    assert.deepEqual(server.stray, []);
    assert.ok(ms < 5_000, `exit took ${ms} ms`);
  });
}
