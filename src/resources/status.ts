/**
 * Resource `time://status`: the `get_ntp_status` object as JSON, subscribable. Subscribers get
 * `notifications/resources/updated` when `synchronized`, `shm_valid`, `pps_enabled` or
 * `hardware_clock` changes.
 *
 * @module
 */
import { InvalidParamsError } from "../invalid_params.ts";
import { type McpServer, SubscribeRequestSchema, UnsubscribeRequestSchema } from "../sdk.ts";
import { DEFAULT_STATUS_POLL_MS, type ServerDeps } from "../deps.ts";
import { ntpStatus, statusFingerprint } from "../status.ts";
import { StatusWatch } from "./status_watch.ts";

/** The status resource's URI. */
export const STATUS_URI = "time://status";

/** Registers `time://status` and its subscription handlers. Call before `connect`. */
export function registerStatusResource(server: McpServer, deps: ServerDeps): void {
  server.registerResource("status", STATUS_URI, {
    title: "Time stack status",
    description:
      "The same object as the get_ntp_status tool: SHM units, PPS, kernel clock and the derived source. Subscribe to be told when synchronized, shm_valid, pps_enabled or hardware_clock changes.",
    mimeType: "application/json",
  }, (uri) => ({
    contents: [{
      uri: uri.href,
      mimeType: "application/json",
      text: JSON.stringify(ntpStatus(deps), null, 2),
    }],
  }));

  const low = server.server;
  const watch = new StatusWatch(
    () => statusFingerprint(ntpStatus(deps)),
    () => {
      low.sendResourceUpdated({ uri: STATUS_URI }).catch((e: Error) =>
        console.error(`mcp-utc-time: Cannot notify subscribers: ${e.message}`)
      );
    },
    deps.statusPollMs ?? DEFAULT_STATUS_POLL_MS,
  );
  low.registerCapabilities({ resources: { subscribe: true } });
  low.setRequestHandler(SubscribeRequestSchema, (req) => {
    checkUri(req.params.uri, "subscribe to");
    watch.start();
    return {};
  });
  low.setRequestHandler(UnsubscribeRequestSchema, (req) => {
    checkUri(req.params.uri, "unsubscribe from");
    watch.stop();
    return {};
  });
  const previous = low.onclose;
  low.onclose = () => {
    watch.stop();
    previous?.();
  };
}

function checkUri(uri: string, action: string): void {
  if (uri !== STATUS_URI) {
    throw new InvalidParamsError(
      `Cannot ${action} ${uri}: no such resource (the subscribable resource is ${STATUS_URI})`,
    );
  }
}
