/**
 * Reliability: NTP SHM segments removed (ipcrm) and re-created, resized, re-permissioned, given a
 * bad mode, left stale, and their producer killed mid-stream — while the real server (run as
 * `deno task start` runs it) watches them and clients keep calling tools. SHM units 52 and 54.
 */
import assert from "node:assert/strict";
import { listSegments } from "./support/sysv.ts";
import { startLiveWriter } from "./support/live_writer.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { StdioServer, structured } from "./support/stdio_server.ts";
import { sleep, waitFor } from "./support/wait.ts";
import { shmKey } from "../src/shm/layout.ts";
import { DEFAULT_POLL_MS } from "../src/shm/monitor.ts";

const UNIT = 52;
const KILLED_UNIT = 54;
const STALE_AFTER_S = 2;

/** A unit as `get_ntp_status` reports it (the fields this test reads). */
interface Unit {
  unit: number;
  state: string;
  detail: string;
  last_sample: Record<string, unknown> | null;
  stats: { samples_seen: number; attaches: number };
}

async function unitReport(server: StdioServer, unit: number): Promise<Unit> {
  const s = structured(await server.callTool("get_ntp_status"));
  const u = (s.shm as Unit[]).find((x) => x.unit === unit);
  assert.ok(u !== undefined, `unit ${unit} is not reported`);
  return u;
}

function writeNow(seg: TestSegment, mode = 1): void {
  const ms = Date.now();
  const sec = Math.floor(ms / 1000);
  const nsec = (ms % 1000) * 1_000_000;
  seg.write({ clockSec: sec, clockNsec: nsec, receiveSec: sec, receiveNsec: nsec, mode });
}

Deno.test("segment lifecycle: the server follows removal, re-creation, resize, re-permission, stale and a killed producer", async () => {
  removeUnit(UNIT);
  removeUnit(KILLED_UNIT);
  await using server = StdioServer.start([
    "--shm-units",
    `${UNIT},${KILLED_UNIT}`,
    "--stale-after",
    String(STALE_AFTER_S),
    "--pps-device",
    "none",
  ]);
  await server.initialize();

  // Clients keep calling tools all along.
  const load = { calls: 0, errors: [] as string[], running: true };
  const loadDone = (async () => {
    while (load.running) {
      for (const name of ["get_utc_time", "get_ntp_status"]) {
        const r = await server.callTool(name);
        load.calls++;
        const result = r.result as Record<string, unknown> | undefined;
        if (r.error !== undefined || result?.isError === true) {
          load.errors.push(JSON.stringify(r).slice(0, 300));
        }
      }
    }
  })();

  const latencies: Record<string, number> = {};
  /** Waits until unit `unit` satisfies `ok`; records how long that took after the event. */
  async function follows(event: string, unit: number, ok: (u: Unit) => boolean) {
    const t0 = performance.now();
    let last: Unit | undefined;
    const u = await waitFor(event, async () => {
      last = await unitReport(server, unit);
      return ok(last) ? last : undefined;
    }, { timeoutMs: 20_000, intervalMs: 1 }).catch((e) => {
      throw new Error(`${e.message}; last report: ${JSON.stringify(last)}`);
    });
    latencies[event] = Math.round(performance.now() - t0);
    return u;
  }
  /** Like `follows` for `stale`: the latency counts from when the last sample's age passed the limit. */
  async function followsStale(event: string, unit: number) {
    const u = await follows(event, unit, (u) => u.state === "stale");
    const receiveMs = Number(BigInt(u.last_sample!.receive_unix_ns as string) / 1_000_000n);
    latencies[event] = Math.round(Date.now() - (receiveMs + STALE_AFTER_S * 1000));
    return u;
  }

  try {
    await follows("absent at start", UNIT, (u) => u.state === "no_segment");

    let seg = TestSegment.create(UNIT, 0o644);
    try {
      writeNow(seg);
      let u = await follows("created", UNIT, (u) => u.state === "ok");
      assert.equal(u.stats.attaches, 1);

      seg.consume(); // a consumer clears valid: the sample was still seen, the unit stays ok
      writeNow(seg);
      seg.consume();
      await sleep(DEFAULT_POLL_MS * 3);
      u = await unitReport(server, UNIT);
      assert.equal(u.state, "ok", "a consumer clearing valid made the unit look dead");

      seg.remove(); // ipcrm while attached: the key disappears at once
      u = await follows("removed (ipcrm)", UNIT, (u) => u.state === "no_segment");
      assert.notEqual(u.last_sample, null, "the last sample seen was forgotten");
    } finally {
      seg[Symbol.dispose]();
    }

    seg = TestSegment.create(UNIT, 0o644);
    try {
      writeNow(seg);
      const u = await follows(
        "re-created",
        UNIT,
        (u) => u.state === "ok" && u.stats.attaches === 2,
      );
      assert.ok(u.stats.samples_seen >= 2);
    } finally {
      seg[Symbol.dispose]();
    }

    seg = TestSegment.create(UNIT, 0o644, 80); // a 32-bit writer's layout
    try {
      await follows("resized to 80 bytes", UNIT, (u) => u.state === "bad_size");
    } finally {
      seg[Symbol.dispose]();
    }

    seg = TestSegment.create(UNIT, 0o644);
    try {
      writeNow(seg, 7);
      await follows("bad mode 7", UNIT, (u) => u.state === "bad_mode");
      writeNow(seg);
      await follows("mode 1 again", UNIT, (u) => u.state === "ok");
      const attaches = (await unitReport(server, UNIT)).stats.attaches;
      // ctime has one-second resolution: change the mode in a later second than the creation.
      await sleep(1100);
      seg.chmod(0o600);
      writeNow(seg);
      await follows(
        "re-permissioned 0600",
        UNIT,
        (u) => u.state === "ok" && u.stats.attaches === attaches + 1,
      );
      const stale = await followsStale("stale (writer stopped)", UNIT);
      assert.match(stale.detail, /stopped writing/);
    } finally {
      seg[Symbol.dispose]();
    }
    await follows("removed again", UNIT, (u) => u.state === "no_segment");

    // A producer process writing flat out (every 1 ms), killed mid-stream (SIGKILL).
    const writer = await startLiveWriter(KILLED_UNIT, 1, 0);
    await follows("live producer", KILLED_UNIT, (u) => u.state === "ok");
    writer.kill("SIGKILL");
    await writer.finish();
    assert.ok(
      listSegments().some((s) => s.key === shmKey(KILLED_UNIT)),
      "the killed producer's segment vanished",
    );
    const killed = await followsStale("producer killed: stale", KILLED_UNIT);
    assert.notEqual(killed.last_sample, null);
    removeUnit(KILLED_UNIT);
    await follows(
      "killed producer's segment removed",
      KILLED_UNIT,
      (u) => u.state === "no_segment",
    );
  } finally {
    load.running = false;
    await loadDone;
    removeUnit(UNIT);
    removeUnit(KILLED_UNIT);
  }

  // Still alive and answering; nothing but JSON-RPC on stdout.
  structured(await server.callTool("get_utc_time"));
  console.error(
    `lifecycle: follow latency after each event, ms (sampler period ${DEFAULT_POLL_MS} ms; ` +
      `stale ones counted from the stale limit): ${JSON.stringify(latencies)}; ` +
      `${load.calls} concurrent tool calls, ${load.errors.length} errors`,
  );
  assert.deepEqual(load.errors, []);
  assert.deepEqual(server.stray, []);
});
