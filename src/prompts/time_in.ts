/**
 * Prompt `time_in`: the current time in an IANA zone (argument `timezone`, with completion of
 * zone names), plus the UTC instant and its error bound.
 *
 * @module
 */
import { z } from "zod";
import { InvalidParamsError } from "../invalid_params.ts";
import { completable, type McpServer } from "../sdk.ts";
import type { ServerDeps } from "../deps.ts";
import { resolveZone, searchZones, zonedTime } from "../timezones.ts";
import { utcTime } from "../tools/get_utc_time.ts";

/** Most zone names offered by one completion. */
const MAX_COMPLETIONS = 100;

/**
 * The text of the `time_in` prompt for `timezone`, read now.
 *
 * @throws {RangeError} "Cannot use time zone …" for a name that is not a zone.
 */
export function timeInPromptText(deps: ServerDeps, timezone: string): string {
  const zone = resolveZone(timezone);
  const now = deps.clock();
  const t = utcTime(deps, now);
  const z = zonedTime(zone, now.sec);
  const dst = z.is_dst ? ", daylight saving time" : "";
  return `The current time in ${zone} is ${z.datetime} (${z.day_of_week}, UTC${z.utc_offset}${dst}); in UTC it is ${t.utc}; source: ${t.source}. ${t.note} Use this as the current local date and time in ${zone}.`;
}

/** Registers the `time_in` prompt. */
export function registerTimeInPrompt(server: McpServer, deps: ServerDeps): void {
  server.registerPrompt("time_in", {
    title: "Current time in a time zone",
    description:
      "The current local time in an IANA time zone, with the UTC instant and its error bound.",
    argsSchema: {
      timezone: completable(
        z.string().describe("IANA time zone name, e.g. Europe/Warsaw, America/New_York, UTC"),
        (value: string) => searchZones(value).slice(0, MAX_COMPLETIONS),
      ),
    },
  }, ({ timezone }: { timezone: string }) => {
    try {
      return {
        messages: [{
          role: "user",
          content: { type: "text", text: timeInPromptText(deps, timezone) },
        }],
      };
    } catch (e) {
      if (e instanceof RangeError) {
        throw new InvalidParamsError(e.message);
      }
      throw e;
    }
  });
}
