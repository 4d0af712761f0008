/**
 * End to end with a client no one here wrote: the npm MCP Inspector CLI over stdio against the
 * server started as `deno task start` does (its permission flags from deno.json), watching SHM
 * unit 44 written by the test.
 */
import assert from "node:assert/strict";
import { clockGettime } from "../src/ffi/clock.ts";
import { readKernelClock } from "../src/kernel/read.ts";
import { inspect, inspectorMissing } from "./support/inspector.ts";
import { TOOL_NAMES } from "./support/mcp_pair.ts";
import { skipUnless } from "./support/prereq.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";

const UNIT = 44;
const SERVER = ["--shm-units", String(UNIT), "--pps-device", "none"];
const missing = await inspectorMissing();

function e2e(name: string, fn: () => Promise<void>) {
  Deno.test({ name: `inspector: ${name}`, ignore: skipUnless(name, missing), fn });
}

function ok(r: { code: number; stdout: string; stderr: string }) {
  assert.equal(r.code, 0, `inspector exit ${r.code}\n${r.stdout}\n${r.stderr}`);
}

e2e("tools/list", async () => {
  const r = await inspect(["--method", "tools/list"], SERVER);
  ok(r);
  const tools = r.result.tools as { name: string; annotations: Record<string, boolean> }[];
  assert.deepEqual(tools.map((t) => t.name).sort(), TOOL_NAMES);
  for (const t of tools) assert.equal(t.annotations.readOnlyHint, true);
});

e2e("tools/call of every tool, with a segment written by the test", async () => {
  removeUnit(UNIT);
  using seg = TestSegment.create(UNIT, 0o644);
  const t = clockGettime();
  seg.write({ clockSec: t.sec, clockNsec: t.nsec, receiveSec: t.sec, receiveNsec: t.nsec });
  const k = readKernelClock();

  const utc = await inspect(["--method", "tools/call", "--tool-name", "get_utc_time"], SERVER);
  ok(utc);
  const u = utc.result.structuredContent;
  assert.match(u.utc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.equal(u.synchronized, k.synchronized);
  assert.equal(u.source, k.synchronized ? `SHM(${UNIT}) GPS` : "unsynchronized");
  assert.deepEqual(JSON.parse(utc.result.content[0].text), u);

  const status = await inspect(["--method", "tools/call", "--tool-name", "get_ntp_status"], SERVER);
  ok(status);
  const s = status.result.structuredContent;
  assert.deepEqual(
    [s.shm_interface, s.shm_valid, s.hardware_clock, s.pps_enabled, s.pps.state],
    ["connected", true, `GPS via SHM(${UNIT})`, false, "disabled"],
  );
  assert.equal(
    s.shm[0].last_sample.receive_unix_ns,
    String(BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec)),
  );

  const cur = await inspect(
    [
      "--method",
      "tools/call",
      "--tool-name",
      "get_current_time",
      "--tool-arg",
      "timezone=Asia/Kathmandu",
    ],
    SERVER,
  );
  ok(cur);
  assert.equal(cur.result.structuredContent.utc_offset, "+05:45");

  const conv = await inspect([
    "--method",
    "tools/call",
    "--tool-name",
    "convert_time",
    "--tool-args-json",
    '{"source_timezone":"Europe/Warsaw","time":"2026-07-01T14:30","target_timezone":"Asia/Tokyo"}',
  ], SERVER);
  ok(conv);
  assert.equal(conv.result.structuredContent.target.datetime, "2026-07-01T21:30:00+09:00");
  assert.equal(conv.result.structuredContent.time_difference, "+7.0h");

  const list = await inspect(
    ["--method", "tools/call", "--tool-name", "list_timezones", "--tool-arg", "query=warsaw"],
    SERVER,
  );
  ok(list);
  assert.deepEqual(list.result.structuredContent.timezones.map((z: { name: string }) => z.name), [
    "Europe/Warsaw",
  ]);
});

e2e("a bad time zone is a tool error: exit 5, with close names", async () => {
  const r = await inspect(
    [
      "--method",
      "tools/call",
      "--tool-name",
      "get_current_time",
      "--tool-arg",
      "timezone=Europe/Berlinn",
    ],
    SERVER,
  );
  assert.equal(r.code, 5, `${r.stdout}\n${r.stderr}`);
  assert.equal(r.result.isError, true);
  assert.equal(
    r.result.content[0].text,
    'Cannot use time zone "Europe/Berlinn": it is not an IANA time zone name (such as "Europe/Warsaw" or "UTC"). Close valid names: Europe/Berlin. Call list_timezones with a query to search all names.',
  );
});

e2e("resources/read time://status", async () => {
  const r = await inspect(["--method", "resources/read", "--uri", "time://status"], SERVER);
  ok(r);
  const c = r.result.contents[0];
  assert.equal(c.uri, "time://status");
  const s = JSON.parse(c.text);
  assert.equal(s.shm[0].unit, UNIT);
  assert.equal(s.synchronized, readKernelClock().synchronized);
});

e2e("prompts/get time_in", async () => {
  const r = await inspect(
    ["--method", "prompts/get", "--prompt-name", "time_in", "--prompt-args", "timezone=UTC"],
    SERVER,
  );
  ok(r);
  assert.match(r.result.messages[0].content.text, /^The current time in UTC is /);
});

e2e("--protocol-era auto: discover falls back to initialize", async () => {
  const r = await inspect(
    ["--protocol-era", "auto", "--method", "tools/call", "--tool-name", "get_utc_time"],
    SERVER,
  );
  ok(r);
  assert.match(r.result.structuredContent.unix_ns, /^\d{19}$/);
});
