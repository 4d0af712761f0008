/**
 * The MCP server: tools, the status resource and the prompts, over the given sources.
 * Transport-free: `main.ts` connects it to stdio, tests to an in-memory pair.
 *
 * @module
 */
import type { ServerDeps } from "./deps.ts";
import { registerTimeInPrompt } from "./prompts/time_in.ts";
import { registerTimePrompt } from "./prompts/time.ts";
import { registerStatusResource } from "./resources/status.ts";
import { McpServer } from "./sdk.ts";
import { registerConvertTimeTool } from "./tools/convert_time.ts";
import { registerGetCurrentTimeTool } from "./tools/get_current_time.ts";
import { registerGetNtpStatusTool } from "./tools/get_ntp_status.ts";
import { registerGetUtcTimeTool } from "./tools/get_utc_time.ts";
import { registerListTimezonesTool } from "./tools/list_timezones.ts";
import { NAME, VERSION } from "./version.ts";

export type { ServerDeps } from "./deps.ts";

/** What the server tells clients at `initialize`. */
export const INSTRUCTIONS =
  "Trustworthy UTC time from this machine's timing stack. Call get_utc_time for the current time with its error bound and source (trust it only when synchronized is true); get_ntp_status (or resource time://status) to diagnose the GPS/PPS/NTP stack; get_current_time, convert_time and list_timezones for time zones.";

/** Builds the server over `deps` (not yet connected). */
export function createServer(deps: ServerDeps): McpServer {
  const server = new McpServer({ name: NAME, version: VERSION }, {
    instructions: INSTRUCTIONS,
    capabilities: { tools: {}, resources: { subscribe: true }, prompts: {} },
  });
  registerGetUtcTimeTool(server, deps);
  registerGetNtpStatusTool(server, deps);
  registerGetCurrentTimeTool(server, deps);
  registerConvertTimeTool(server, deps);
  registerListTimezonesTool(server, deps);
  registerStatusResource(server, deps);
  registerTimePrompt(server, deps);
  registerTimeInPrompt(server, deps);
  return server;
}
