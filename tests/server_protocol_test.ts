/**
 * Protocol eras, in process with raw JSON-RPC over the SDK's in-memory transport: `initialize`
 * with every revision the SDK lists; a 2026-07-28 client's `server/discover` first gets a clean
 * "method not found" and then `initialize` succeeds.
 */
import assert from "node:assert/strict";
import { clockGettime } from "../src/ffi/clock.ts";
import { readKernelClock } from "../src/kernel/read.ts";
import { PpsMonitor } from "../src/pps/monitor.ts";
import {
  InMemoryTransport,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "../src/sdk.ts";
import { createServer } from "../src/server.ts";
import { ShmMonitor } from "../src/shm/monitor.ts";
import { removeUnit } from "./support/shm_writer.ts";
import { waitFor } from "./support/wait.ts";

const UNIT = 43;

// deno-lint-ignore no-explicit-any
type Message = Record<string, unknown> & { id?: number; result?: any; error?: any };

/** A raw JSON-RPC peer of a fresh server. */
async function rawSession() {
  removeUnit(UNIT);
  const shm = new ShmMonitor({ units: [UNIT] }).start();
  const pps = new PpsMonitor({ device: "none" }).start();
  const server = createServer({ shm, pps, kernel: readKernelClock, clock: clockGettime });
  const [mine, theirs] = InMemoryTransport.createLinkedPair();
  const received: Message[] = [];
  mine.onmessage = (m) => void received.push(m as Message);
  await server.connect(theirs);
  await mine.start();
  let next = 1;
  return {
    async request(method: string, params: Record<string, unknown> = {}): Promise<Message> {
      const id = next++;
      await mine.send({ jsonrpc: "2.0", id, method, params });
      return await waitFor(`the answer to ${method}`, () => received.find((m) => m.id === id));
    },
    async notify(method: string): Promise<void> {
      await mine.send({ jsonrpc: "2.0", method });
    },
    async [Symbol.asyncDispose]() {
      await mine.close();
      await server.close();
      shm[Symbol.dispose]();
      pps[Symbol.dispose]();
    },
  };
}

function initParams(protocolVersion: string) {
  return { protocolVersion, capabilities: {}, clientInfo: { name: "era-test", version: "0" } };
}

Deno.test("initialize with every protocol revision the SDK lists", async () => {
  assert.equal(SUPPORTED_PROTOCOL_VERSIONS[0], LATEST_PROTOCOL_VERSION);
  for (const version of SUPPORTED_PROTOCOL_VERSIONS) {
    await using s = await rawSession();
    const init = await s.request("initialize", initParams(version));
    assert.equal(init.error, undefined, version);
    assert.equal(init.result.protocolVersion, version);
    assert.deepEqual(init.result.serverInfo, { name: "mcp-utc-time", version: "0.1.0" });
    assert.deepEqual(Object.keys(init.result.capabilities).sort(), [
      "completions",
      "prompts",
      "resources",
      "tools",
    ]);
    await s.notify("notifications/initialized");
    const list = await s.request("tools/list");
    assert.equal(list.result.tools.length, 5, version);
    const call = await s.request("tools/call", { name: "get_utc_time", arguments: {} });
    assert.match(call.result.structuredContent.unix_ns, /^\d{19}$/, version);
  }
  console.error(`initialized with ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")}`);
});

Deno.test("a 2026-07-28 client: server/discover → method not found, then initialize", async () => {
  await using s = await rawSession();
  const discover = await s.request("server/discover", {});
  assert.deepEqual(discover, {
    jsonrpc: "2.0",
    id: 1,
    error: { code: -32601, message: "Method not found" },
  });
  // A newer revision than the server speaks: the server answers with its latest.
  const init = await s.request("initialize", initParams("2026-07-28"));
  assert.equal(init.result.protocolVersion, LATEST_PROTOCOL_VERSION);
  await s.notify("notifications/initialized");
  const call = await s.request("tools/call", { name: "get_utc_time", arguments: {} });
  assert.equal(call.error, undefined);
});
