/**
 * The one entry to `npm:@modelcontextprotocol/sdk` for the product code.
 *
 * The SDK's `exports` map gives `./*` the types `./dist/esm/*.d.ts`, so a runtime specifier such
 * as `server/mcp.js` would look for `mcp.js.d.ts` and type-check as `any`. Each re-export below
 * therefore names its declaration file with `@ts-types` (the extensionless subpath), keeping the
 * `.js` specifier that resolves at run time.
 *
 * @module
 */

// @ts-types="@modelcontextprotocol/sdk/server/mcp"
export { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/completable"
export { completable } from "@modelcontextprotocol/sdk/server/completable.js";
// @ts-types="@modelcontextprotocol/sdk/server/stdio"
export { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/shared/stdio"
export { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/index"
export { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/inMemory"
export { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
// @ts-types="@modelcontextprotocol/sdk/shared/transport"
export type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  ResourceUpdatedNotificationSchema,
  SubscribeRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
// @ts-types="@modelcontextprotocol/sdk/types"
export type {
  CallToolResult,
  GetPromptResult,
  JSONRPCMessage,
  Tool,
  ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
