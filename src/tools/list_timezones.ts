/**
 * `list_timezones`: IANA zone names (optionally filtered) with their current UTC offsets.
 *
 * @module
 */
import type { McpServer } from "../sdk.ts";
import { z } from "zod";
import type { ServerDeps } from "../deps.ts";
import { formatOffset, isDst, offsetAt, searchZones } from "../timezones.ts";
import { READ_ONLY, toolResult } from "./result.ts";

const OUTPUT = {
  query: z.string().nullable().describe("The filter applied; null when all zones are listed"),
  count: z.number().describe("Number of zones listed"),
  timezones: z.array(z.object({
    name: z.string().describe("IANA zone name"),
    utc_offset: z.string().describe("Current local time − UTC, ±HH:MM"),
    is_dst: z.boolean().describe("Daylight saving time is in effect now"),
  })),
};

/** Registers `list_timezones`. */
export function registerListTimezonesTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool("list_timezones", {
    title: "List IANA time zones",
    description:
      "Lists IANA time zone names with their current UTC offsets and DST state, optionally only those containing a substring (case-insensitive; spaces match underscores). Use it to find the exact zone name for a city or region, e.g. query 'york' → America/New_York.",
    inputSchema: {
      query: z.string().optional().describe(
        "Substring to look for in zone names, e.g. 'europe', 'york', 'kolkata'. Omit to list all (about 420).",
      ),
    },
    annotations: READ_ONLY,
    outputSchema: OUTPUT,
  }, ({ query }: { query?: string }) => {
    const now = deps.clock().sec;
    const timezones = searchZones(query).map((name) => {
      const off = offsetAt(name, now);
      return { name, utc_offset: formatOffset(off), is_dst: isDst(name, now, off) };
    });
    return toolResult({ query: query ?? null, count: timezones.length, timezones });
  });
}
