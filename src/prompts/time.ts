/**
 * Prompt `time`: the current UTC time with its error bound and source, for a model to use as
 * "now".
 *
 * @module
 */
import type { McpServer } from "../sdk.ts";
import type { ServerDeps } from "../deps.ts";
import { utcTime } from "../tools/get_utc_time.ts";

/** The text of the `time` prompt, read now. */
export function timePromptText(deps: ServerDeps): string {
  const t = utcTime(deps);
  return `The current time is ${t.utc} UTC (unix_ns ${t.unix_ns}), read from this machine's clock; source: ${t.source}. ${t.note} Use this as the current date and time.`;
}

/** Registers the `time` prompt. */
export function registerTimePrompt(server: McpServer, deps: ServerDeps): void {
  server.registerPrompt("time", {
    title: "Current UTC time",
    description: "The current UTC time with its error bound and the source disciplining the clock.",
  }, () => ({
    messages: [{ role: "user", content: { type: "text", text: timePromptText(deps) } }],
  }));
}
