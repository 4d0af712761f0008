/**
 * `convert_time`: a time in one IANA zone as seen in another (compatible with the MCP reference
 * time server's tool of that name; also takes ISO 8601 date-times), plus the UTC instant.
 *
 * @module
 */
import type { McpServer } from "../sdk.ts";
import { z } from "zod";
import type { ServerDeps } from "../deps.ts";
import { isoUtc, type Timestamp, unixNsString } from "../shm/decode.ts";
import {
  formatHoursDifference,
  localZone,
  offsetAt,
  parseTimeInput,
  resolveZone,
  wallClock,
  zonedInstant,
  zonedTime,
} from "../timezones.ts";
import { orToolError, READ_ONLY, toolResult } from "./result.ts";
import { ZONED_TIME } from "./zoned.ts";

const OUTPUT = {
  source: ZONED_TIME.describe("The time in the source zone"),
  target: ZONED_TIME.describe("The same instant in the target zone"),
  time_difference: z.string().describe(
    'Target offset − source offset in hours, e.g. "+1.0h", "+5.75h"',
  ),
  utc: z.string().describe("The instant, ISO 8601 UTC with 9 fractional digits"),
  unix_ns: z.string().describe("The instant, integer ns since the epoch (decimal string)"),
};

/** The instant `time` denotes in `source` (a resolved zone); "HH:MM" is today there. */
export function instantOf(time: string, source: string, now: Timestamp): Timestamp {
  const input = parseTimeInput(time);
  switch (input.kind) {
    case "instant":
      return input.instant;
    case "local":
      return zonedInstant(source, input.local);
    case "clock": {
      const today = wallClock(source, now.sec);
      return zonedInstant(source, {
        year: today.year,
        month: today.month,
        day: today.day,
        hour: input.hour,
        minute: input.minute,
        second: 0,
        nsec: 0,
      });
    }
  }
}

/** The arguments (typed here: the SDK's shape inference does not reach callbacks under Deno). */
interface ConvertArgs {
  source_timezone: string;
  time: string;
  target_timezone: string;
}

/** Registers `convert_time`. */
export function registerConvertTimeTool(server: McpServer, deps: ServerDeps): void {
  const local = deps.localZone ?? localZone();
  server.registerTool("convert_time", {
    title: "Convert a time between time zones",
    description:
      `Converts a time from one IANA time zone to another: "HH:MM" means that time today in the source zone; an ISO 8601 date-time without offset is a local time in the source zone; one with Z or an offset is an exact instant. Returns both local times with day of week, DST and UTC offset, the hour difference, and the UTC instant. A local time skipped by a DST change is an error; a repeated one means its first occurrence. The machine's zone is ${local}.`,
    inputSchema: {
      source_timezone: z.string().describe(
        `Source IANA time zone name (e.g. 'America/New_York', 'Europe/London'). Use '${local}' as local timezone if no source timezone provided by the user.`,
      ),
      time: z.string().describe(
        'Time to convert: "HH:MM" (24-hour, today in the source zone), or ISO 8601 such as "2026-03-29T14:30", "2026-03-29T14:30:05.123456789" (local to the source zone) or "2026-03-29T12:30:00Z" / "...+02:00" (an exact instant)',
      ),
      target_timezone: z.string().describe(
        `Target IANA time zone name (e.g. 'Asia/Tokyo', 'America/Los_Angeles'). Use '${local}' as local timezone if no target timezone provided by the user.`,
      ),
    },
    annotations: READ_ONLY,
    outputSchema: OUTPUT,
  }, ({ source_timezone, time, target_timezone }: ConvertArgs) =>
    orToolError(() => {
      const source = resolveZone(source_timezone);
      const target = resolveZone(target_timezone);
      const t = instantOf(time, source, deps.clock());
      return toolResult({
        source: zonedTime(source, t.sec),
        target: zonedTime(target, t.sec),
        time_difference: formatHoursDifference(offsetAt(target, t.sec) - offsetAt(source, t.sec)),
        utc: isoUtc(t),
        unix_ns: unixNsString(t),
      });
    }));
}
