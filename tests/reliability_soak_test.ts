/**
 * Reliability: a soak of 100,000 tool calls against the real server (run as `deno task start`
 * runs it) while a producer process writes SHM unit 56 at 10 Hz and clears `valid` 300 ms after
 * each write, as a consumer does. RSS (sampled every 1000 calls; it swings by tens of MB with
 * garbage collection, so the post-GC floor is compared: the minimum over calls 10k-30k against
 * the minimum over the last 20k) must grow less than 5 MB; latency percentiles per block of calls
 * are printed (never asserted: the machine is shared).
 */
import assert from "node:assert/strict";
import { startLiveWriter } from "./support/live_writer.ts";
import { removeUnit } from "./support/shm_writer.ts";
import { StdioServer, structured } from "./support/stdio_server.ts";

const UNIT = 56;
const CALLS = 100_000;
const WARMUP = 10_000;
const BLOCK = 10_000;
const WINDOW = 8; // requests in flight
const MAX_RSS_GROWTH_KB = 5 * 1024;

function mb(kb: number, digits = 1): string {
  return (kb / 1024).toFixed(digits);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

Deno.test("soak: 100,000 tool calls with a live producer and consumer: no error, RSS growth < 5 MB", async () => {
  removeUnit(UNIT);
  await using writer = await startLiveWriter(UNIT, 100, 300);
  await using server = StdioServer.start(["--shm-units", String(UNIT), "--pps-device", "none"]);
  await server.initialize();
  const calls: [string, Record<string, unknown>][] = [
    ["get_utc_time", {}],
    ["get_ntp_status", {}],
    ["get_current_time", { timezone: "Europe/Berlin" }],
    ["convert_time", {
      source_timezone: "America/New_York",
      time: "2026-03-29T14:30",
      target_timezone: "Asia/Tokyo",
    }],
    ["list_timezones", { query: "europe" }],
  ];
  const errors: string[] = [];
  const blocks: { p50: number; p99: number; max: number; rssKb: number }[] = [];
  const rss: number[] = []; // kB, every 1000 calls
  let lat: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < CALLS) {
      const i = next++;
      const [name, args] = calls[i % calls.length]!;
      const t0 = performance.now();
      const r = await server.callTool(name, args);
      lat.push(performance.now() - t0);
      try {
        const s = structured(r);
        if (name === "get_ntp_status") {
          const u = (s.shm as { unit: number; state: string }[]).find((x) => x.unit === UNIT);
          if (u?.state !== "ok") errors.push(`unit ${UNIT} is ${u?.state}`);
        }
      } catch (e) {
        errors.push((e as Error).message);
      }
      if ((i + 1) % 1000 === 0) rss.push(server.rssKb());
      if ((i + 1) % BLOCK === 0) {
        const sorted = lat.sort((a, b) => a - b);
        lat = [];
        const rssKb = server.rssKb();
        blocks.push({
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          max: sorted.at(-1)!,
          rssKb,
        });
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: WINDOW }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const early = Math.min(...rss.slice(WARMUP / 1000, 30));
  const late = Math.min(...rss.slice(-20));
  const growthKb = late - early;
  console.error(
    `soak: ${CALLS} calls (${WINDOW} in flight) in ${seconds.toFixed(1)} s (${
      (CALLS / seconds).toFixed(0)
    }/s), ` +
      `${errors.length} errors; RSS floor over calls ${WARMUP}-30000 ${mb(early)} MB, over the ` +
      `last 20000 ${mb(late)} MB (growth ${mb(growthKb, 2)} MB); ` +
      `RSS range ${mb(Math.min(...rss))}-${mb(Math.max(...rss))} MB\n` +
      blocks.map((b, k) =>
        `  calls ${k * BLOCK}-${(k + 1) * BLOCK}: p50 ${b.p50.toFixed(2)} ms, p99 ${
          b.p99.toFixed(2)
        } ms, max ${b.max.toFixed(1)} ms, RSS ${(b.rssKb / 1024).toFixed(1)} MB`
      ).join("\n"),
  );
  assert.deepEqual(errors.slice(0, 10), [], `${errors.length} errors`);
  assert.ok(growthKb < MAX_RSS_GROWTH_KB, `RSS grew ${growthKb} kB after the warm-up`);
  assert.deepEqual(server.stray, []);
  writer.kill("SIGTERM");
  assert.equal((await writer.finish()).status.code, 0);
});
