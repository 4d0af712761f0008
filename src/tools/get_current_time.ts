/**
 * `get_current_time`: the current time in an IANA zone (compatible with the MCP reference time
 * server's tool of that name), plus the UTC instant with ns and the UTC offset.
 *
 * @module
 */
import type { McpServer } from "../sdk.ts";
import { z } from "zod";
import type { ServerDeps } from "../deps.ts";
import { isoUtc, unixNsString } from "../shm/decode.ts";
import { localZone, resolveZone, zonedTime } from "../timezones.ts";
import { orToolError, READ_ONLY, toolResult } from "./result.ts";
import { ZONED_TIME } from "./zoned.ts";

const OUTPUT = {
  ...ZONED_TIME.shape,
  utc: z.string().describe("The same instant, ISO 8601 UTC with 9 fractional digits"),
  unix_ns: z.string().describe("The same instant, integer ns since the epoch (decimal string)"),
};

/** Registers `get_current_time`. */
export function registerGetCurrentTimeTool(server: McpServer, deps: ServerDeps): void {
  const local = deps.localZone ?? localZone();
  server.registerTool("get_current_time", {
    title: "Current time in a time zone",
    description:
      `The current local time in an IANA time zone: ISO 8601 date-time with offset, day of week, whether DST is in effect, the UTC offset, and the exact UTC instant (ns). The clock is this machine's system clock; call get_utc_time for its error bound. The machine's zone is ${local}.`,
    inputSchema: {
      timezone: z.string().optional().describe(
        `IANA time zone name (e.g. 'America/New_York', 'Europe/London'). Default: '${local}' (this machine's zone).`,
      ),
    },
    annotations: READ_ONLY,
    outputSchema: OUTPUT,
  }, ({ timezone }: { timezone?: string }) =>
    orToolError(() => {
      const zone = resolveZone(timezone ?? local);
      const now = deps.clock();
      return toolResult({
        ...zonedTime(zone, now.sec),
        utc: isoUtc(now),
        unix_ns: unixNsString(now),
      });
    }));
}
