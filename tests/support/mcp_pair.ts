/**
 * Test-only: the MCP server in process, over the real monitors (SHM units of the test's range,
 * PPS as configured, the real kernel and clock), connected to a real SDK `Client` through the
 * SDK's in-memory transport pair.
 *
 * @module
 */
import { clockGettime } from "../../src/ffi/clock.ts";
import { readKernelClock } from "../../src/kernel/read.ts";
import { PpsMonitor } from "../../src/pps/monitor.ts";
import { Client, InMemoryTransport } from "../../src/sdk.ts";
import { createServer } from "../../src/server.ts";
import { ShmMonitor } from "../../src/shm/monitor.ts";

/** The server's tools, sorted. */
export const TOOL_NAMES: readonly string[] = [
  "convert_time",
  "get_current_time",
  "get_ntp_status",
  "get_utc_time",
  "list_timezones",
];

/** Options of {@linkcode connectPair}. */
export interface PairOptions {
  units: number[];
  staleAfterMs?: number;
  ppsDevice?: string;
  localZone?: string;
}

/** A connected client and server; dispose to close both and stop the monitors. */
export interface Pair extends AsyncDisposable {
  client: Client;
  shm: ShmMonitor;
  pps: PpsMonitor;
}

/** Builds the server over real monitors and connects a client to it. */
export async function connectPair(opts: PairOptions): Promise<Pair> {
  const shm = new ShmMonitor({ units: opts.units, staleAfterMs: opts.staleAfterMs }).start();
  const pps = new PpsMonitor({ device: opts.ppsDevice ?? "none" }).start();
  const server = createServer({
    shm,
    pps,
    kernel: readKernelClock,
    clock: clockGettime,
    localZone: opts.localZone,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "mcp-utc-time-test", version: "0" });
  await server.connect(serverSide);
  await client.connect(clientSide);
  return {
    client,
    shm,
    pps,
    async [Symbol.asyncDispose]() {
      await client.close();
      await server.close();
      shm[Symbol.dispose]();
      pps[Symbol.dispose]();
    },
  };
}
