/**
 * The `--check` self-handshake: an MCP client talks to the server in-process over the SDK's
 * linked in-memory transports, initializes, lists the tools and calls every one once.
 *
 * @module
 */
import { Client, InMemoryTransport, type Tool, type Transport } from "../sdk.ts";
import { NAME, VERSION } from "../version.ts";
import type { HandshakeResult } from "./report.ts";

/** Something that serves MCP on a transport (an `McpServer` or a low-level `Server`). */
export interface Connectable {
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

/** The longest one request of the handshake may take, ms. */
export const REQUEST_TIMEOUT_MS = 5_000;

/**
 * Arguments for a tool's required parameters, from values the server itself produced: a parameter
 * named `*timezone` gets "UTC", one named `time` the UTC instant an earlier tool returned, one with
 * an `enum` its first value. A parameter none of these covers is left out (the call then reports
 * the tool's validation error, which the check shows).
 */
export function toolArguments(tool: Tool, observedUtc: string | null): Record<string, unknown> {
  const schema = tool.inputSchema;
  const props = (schema.properties ?? {}) as Record<string, { enum?: unknown[] }>;
  const args: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const p = props[name];
    if (name.endsWith("timezone")) args[name] = "UTC";
    else if (name === "time" && observedUtc !== null) args[name] = observedUtc;
    else if (p?.enum !== undefined && p.enum.length > 0) args[name] = p.enum[0];
  }
  return args;
}

/** Tools without required parameters first, so their results can feed the others. */
function callOrder(tools: readonly Tool[]): Tool[] {
  const needs = (t: Tool) => (t.inputSchema.required ?? []).length;
  return [...tools].sort((a, b) => needs(a) - needs(b));
}

/** Runs the handshake against `server` (connected here, closed before returning). */
export async function selfHandshake(server: Connectable): Promise<HandshakeResult> {
  const result: HandshakeResult = { server: null, protocolVersion: null, tools: [], error: null };
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: `${NAME}-check`, version: VERSION });
  const opts = { timeout: REQUEST_TIMEOUT_MS };
  // The client reports the negotiated revision to its transport (Transport.setProtocolVersion).
  const clientTransport: Transport = clientSide;
  clientTransport.setProtocolVersion = (v: string) => {
    result.protocolVersion = v;
  };
  try {
    await server.connect(serverSide);
    await client.connect(clientTransport, opts);
    const info = client.getServerVersion();
    result.server = info === undefined ? null : { name: info.name, version: info.version };
    const { tools } = await client.listTools(undefined, opts);
    let observedUtc: string | null = null;
    for (const tool of callOrder(tools)) {
      const t0 = performance.now();
      try {
        const r = await client.callTool(
          { name: tool.name, arguments: toolArguments(tool, observedUtc) },
          undefined,
          opts,
        );
        const ms = performance.now() - t0;
        const structured = r.structuredContent as Record<string, unknown> | undefined;
        if (observedUtc === null && typeof structured?.utc === "string") {
          observedUtc = structured.utc;
        }
        const text = (r.content as { type: string; text?: string }[])
          .map((c) => c.text ?? `[${c.type}]`).join(" ");
        result.tools.push(
          r.isError === true
            ? { name: tool.name, ok: false, ms, error: `answered with an error: ${text}` }
            : { name: tool.name, ok: true, ms, error: null },
        );
      } catch (e) {
        result.tools.push({
          name: tool.name,
          ok: false,
          ms: performance.now() - t0,
          error: `the call failed: ${(e as Error).message}`,
        });
      }
    }
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await client.close();
    await server.close();
  }
  return result;
}
