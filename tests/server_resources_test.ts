/**
 * The status resource (read, subscribe, the update notification when a sample goes stale) and
 * the prompts, in process over a real SDK Client; SHM unit 42 written by the test.
 */
import assert from "node:assert/strict";
import { clockGettime } from "../src/ffi/clock.ts";
import { readKernelClock } from "../src/kernel/read.ts";
import { McpError, ResourceUpdatedNotificationSchema } from "../src/sdk.ts";
import { connectPair } from "./support/mcp_pair.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { waitFor } from "./support/wait.ts";

const UNIT = 42;
const STALE_AFTER_MS = 1_500;

function writeFresh(seg: TestSegment): void {
  const t = clockGettime();
  seg.write({ clockSec: t.sec, clockNsec: t.nsec, receiveSec: t.sec, receiveNsec: t.nsec });
}

Deno.test("time://status: read, subscribe, notified when the sample goes stale", async () => {
  removeUnit(UNIT);
  using seg = TestSegment.create(UNIT, 0o644);
  writeFresh(seg);
  await using pair = await connectPair({ units: [UNIT], staleAfterMs: STALE_AFTER_MS });
  const updates: string[] = [];
  pair.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    updates.push(n.params.uri);
  });
  await waitFor("the sample to be read", () => pair.shm.report()[0]!.state === "ok");

  const { resources } = await pair.client.listResources();
  assert.deepEqual(resources.map((r) => [r.uri, r.name, r.mimeType]), [
    ["time://status", "status", "application/json"],
  ]);
  assert.deepEqual(pair.client.getServerCapabilities()?.resources, {
    subscribe: true,
    listChanged: true,
  });

  const read = async () => {
    const r = await pair.client.readResource({ uri: "time://status" });
    assert.equal(r.contents.length, 1);
    const c = r.contents[0]!;
    assert.equal(c.uri, "time://status");
    assert.equal(c.mimeType, "application/json");
    assert.ok("text" in c);
    return JSON.parse(c.text);
  };
  const fresh = await read();
  const k = readKernelClock();
  assert.deepEqual(
    [fresh.shm_valid, fresh.shm_interface, fresh.hardware_clock, fresh.pps_enabled],
    [true, "connected", "GPS via SHM(42)", false],
  );
  assert.equal(fresh.synchronized, k.synchronized);
  assert.equal(fresh.shm[0].state, "ok");
  assert.equal(fresh.shm[0].permissions, "0644");
  // The same object as the tool.
  const tool = await pair.client.callTool({ name: "get_ntp_status", arguments: {} });
  assert.deepEqual(
    Object.keys(tool.structuredContent as object),
    Object.keys(fresh),
  );

  await pair.client.subscribeResource({ uri: "time://status" });
  // No more samples: after STALE_AFTER_MS the unit is stale, shm_valid flips, subscribers hear.
  const t0 = performance.now();
  await waitFor("notifications/resources/updated", () => updates.length > 0, {
    timeoutMs: 30_000,
  });
  const waited = performance.now() - t0;
  assert.deepEqual(updates, ["time://status"]);
  const stale = await read();
  assert.equal(stale.shm_valid, false);
  assert.equal(stale.hardware_clock, "none");
  assert.equal(stale.shm[0].state, "stale");
  assert.equal(stale.shm_interface, "connected");
  console.error(
    `update notification ${
      waited.toFixed(0)
    } ms after subscribing (stale after ${STALE_AFTER_MS} ms)`,
  );

  // A new sample makes it valid again: a second notification.
  writeFresh(seg);
  await waitFor("the second notification", () => updates.length > 1);
  assert.equal((await read()).shm_valid, true);

  // Unsubscribed: no more notifications.
  await pair.client.unsubscribeResource({ uri: "time://status" });
  const before = updates.length;
  await waitFor("the sample to go stale again", () => pair.shm.report()[0]!.state === "stale");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(updates.length, before);

  await assert.rejects(
    pair.client.subscribeResource({ uri: "time://nothing" }),
    (e: unknown) =>
      e instanceof McpError && e.code === -32602 &&
      e.message ===
        "MCP error -32602: Cannot subscribe to time://nothing: no such resource (the subscribable resource is time://status)",
  );
  await assert.rejects(
    pair.client.readResource({ uri: "time://nothing" }),
    (e: unknown) => e instanceof McpError && e.code === -32602,
  );
});

Deno.test("prompts: time and time_in (with zone completion and a bad zone)", async () => {
  removeUnit(UNIT);
  await using pair = await connectPair({ units: [UNIT] });
  const { prompts } = await pair.client.listPrompts();
  assert.deepEqual(prompts.map((p) => [p.name, p.arguments?.map((a) => [a.name, a.required])]), [
    ["time", undefined],
    ["time_in", [["timezone", true]]],
  ]);

  const k = readKernelClock();
  const time = await pair.client.getPrompt({ name: "time" });
  assert.equal(time.messages.length, 1);
  const msg = time.messages[0]!;
  assert.equal(msg.role, "user");
  assert.equal(msg.content.type, "text");
  const text = (msg.content as { text: string }).text;
  assert.match(
    text,
    /^The current time is \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z UTC \(unix_ns \d{19}\), read from this machine's clock; source: /,
  );
  assert.ok(text.includes(k.synchronized ? "Synchronized via" : "NOT synchronized"), text);
  assert.ok(text.includes(`source: ${k.synchronized ? "NTP" : "unsynchronized"}.`), text);

  const tin = await pair.client.getPrompt({
    name: "time_in",
    arguments: { timezone: "Asia/Kathmandu" },
  });
  const tinText = (tin.messages[0]!.content as { text: string }).text;
  assert.match(
    tinText,
    /^The current time in Asia\/Kathmandu is \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:45 \((Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), UTC\+05:45\); in UTC it is /,
  );

  await assert.rejects(
    pair.client.getPrompt({ name: "time_in", arguments: { timezone: "Asia/Katmandoo" } }),
    (e: unknown) =>
      e instanceof McpError && e.code === -32602 &&
      e.message ===
        'MCP error -32602: Cannot use time zone "Asia/Katmandoo": it is not an IANA time zone name (such as "Europe/Warsaw" or "UTC"). Close valid names: Asia/Kathmandu. Call list_timezones with a query to search all names.',
  );

  const done = await pair.client.complete({
    ref: { type: "ref/prompt", name: "time_in" },
    argument: { name: "timezone", value: "warsa" },
  });
  assert.deepEqual(done.completion.values, ["Europe/Warsaw"]);
});
