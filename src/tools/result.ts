/**
 * Building tool results: structured content plus its JSON text (for clients that read only
 * text), and `isError` results carrying what went wrong.
 *
 * @module
 */
import type { CallToolResult, ToolAnnotations } from "../sdk.ts";

/** Every tool here only reads local state. */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** A successful result: `structuredContent` and the same object as JSON text. */
export function toolResult(structured: object): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(structured) }],
    structuredContent: structured as Record<string, unknown>,
  };
}

/** A failed call the model can read and correct: `isError` with the message. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** Runs `fn`; a thrown RangeError/TypeError (bad input) becomes an `isError` result. */
export function orToolError(fn: () => CallToolResult): CallToolResult {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) return toolError(e.message);
    throw e;
  }
}
