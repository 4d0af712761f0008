/**
 * Reliability: the real server (run as `deno task start` runs it) exits promptly on stdin EOF,
 * SIGTERM and SIGINT, releases its attachments (nattch back to what it was), and creates no
 * segment: `ipcs -m` for the watched keys is the same before, while and after it runs (but for
 * its own attach count). SHM units 57 (present) and 58 (absent).
 */
import assert from "node:assert/strict";
import { shmKey } from "../src/shm/layout.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { StdioServer, structured } from "./support/stdio_server.ts";
import { ipcsLines, listSegments } from "./support/sysv.ts";
import { waitFor } from "./support/wait.ts";

const PRESENT = 57;
const ABSENT = 58;
/** Generous bound for a loaded, shared machine; the target (200 ms) is reported, not asserted. */
const EXIT_BOUND_MS = 2_000;

function nattch(unit: number): number | undefined {
  return listSegments().find((s) => s.key === shmKey(unit))?.nattch;
}

/** `ipcs -m` lines of the watched keys without the nattch column. */
async function ipcsSnapshot(): Promise<string[]> {
  return (await ipcsLines([shmKey(PRESENT), shmKey(ABSENT)])).map((l) => {
    const f = l.trim().split(/\s+/);
    f.splice(5, 1);
    return f.join(" ");
  });
}

Deno.test("shutdown: stdin EOF, SIGTERM and SIGINT exit promptly, detach, and create nothing", async () => {
  removeUnit(PRESENT);
  removeUnit(ABSENT);
  using seg = TestSegment.create(PRESENT, 0o644);
  const ms = Date.now();
  seg.write({
    clockSec: Math.floor(ms / 1000),
    clockNsec: 0,
    receiveSec: Math.floor(ms / 1000),
    receiveNsec: 0,
  });
  const before = await ipcsSnapshot();
  const nattchBefore = nattch(PRESENT);
  const figures: string[] = [];
  for (const how of ["stdin EOF", "SIGTERM", "SIGINT"] as const) {
    await using server = StdioServer.start([
      "--shm-units",
      `${PRESENT},${ABSENT}`,
      "--pps-device",
      "none",
    ]);
    await server.initialize();
    structured(await server.callTool("get_utc_time"));
    await waitFor("the server to attach", () => nattch(PRESENT) === nattchBefore! + 1);
    assert.deepEqual(await ipcsSnapshot(), before, "running the server changed ipcs -m");
    const maps = server.sysvMappings();
    assert.ok(
      maps.length > 0 && maps.every((l) => l.split(/\s+/)[1] === "r--s"),
      `not read-only: ${maps.join("\n")}`,
    );
    const t0 = performance.now();
    if (how === "stdin EOF") await server.closeStdin();
    else server.child.kill(how);
    const exit = await Promise.race([
      server.exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no exit within 10 s of ${how}`)), 10_000)
      ),
    ]);
    const exitMs = exit.at - t0;
    figures.push(
      `${how}: exit ${
        exitMs.toFixed(0)
      } ms, code ${exit.status.code}, signal ${exit.status.signal}`,
    );
    assert.ok(exitMs < EXIT_BOUND_MS, `${how}: exit took ${exitMs.toFixed(0)} ms`);
    assert.equal(exit.status.code, 0, `${how}: ${JSON.stringify(exit.status)}\n${server.stderr}`);
    assert.equal(nattch(PRESENT), nattchBefore, `${how}: still attached`);
    assert.deepEqual(server.stray, []);
  }
  assert.deepEqual(
    await ipcsSnapshot(),
    before,
    "starting and stopping the server changed ipcs -m",
  );
  assert.equal(nattch(ABSENT), undefined, "a segment was created for the absent unit");
  console.error(
    `shutdown (target 200 ms): ${
      figures.join("; ")
    }; ipcs -m unchanged; nattch back to ${nattchBefore}`,
  );
});
