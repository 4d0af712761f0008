/**
 * The zod shape of a time seen in a zone, shared by `get_current_time` and `convert_time`.
 *
 * @module
 */
import { z } from "zod";

/** Output shape of one zoned time (`ZonedTime`). */
export const ZONED_TIME = z.object({
  timezone: z.string().describe("Canonical IANA zone name"),
  datetime: z.string().describe("ISO 8601 local date-time with UTC offset, to the second"),
  day_of_week: z.string().describe("English day name, e.g. Monday"),
  is_dst: z.boolean().describe("Daylight saving time is in effect"),
  utc_offset: z.string().describe("Local time − UTC, ±HH:MM"),
});
