/**
 * What the MCP server is built from: the monitors, the kernel reader and the clock. `main.ts`
 * passes the real ones; tests pass the same real ones, configured for their SHM units.
 *
 * @module
 */
import type { Timestamp } from "./shm/decode.ts";
import type { StatusSources } from "./status.ts";

/** Default period, ms, of status re-reads (the SHM sampler's rate). */
export const DEFAULT_STATUS_POLL_MS = 100;

/** The server's sources. */
export interface ServerDeps extends StatusSources {
  /** CLOCK_REALTIME now (`clockGettime`). */
  clock: () => Timestamp;
  /** The zone `get_current_time` uses without an argument (default: the machine's zone). */
  localZone?: string;
  /**
   * How often, ms, the status is re-read for `time://status` subscribers, and the longest
   * `get_utc_time` reuses the monitors' facts (default {@linkcode DEFAULT_STATUS_POLL_MS}).
   */
  statusPollMs?: number;
}
