/**
 * A JSON-RPC "invalid params" error (-32602) whose message is exactly the one given. The SDK
 * sends a thrown error's `code` and `message`; its own `McpError` would prefix the message with
 * "MCP error -32602: ", which the client then prefixes again.
 *
 * @module
 */
import { ErrorCode } from "./sdk.ts";

/** A RangeError carrying JSON-RPC code -32602 for the SDK to send. */
export class InvalidParamsError extends RangeError {
  /** The JSON-RPC error code the SDK sends. */
  readonly code: number = ErrorCode.InvalidParams;

  constructor(message: string) {
    super(message);
    this.name = "InvalidParamsError";
  }
}
