/**
 * MCP over stdio with Deno's own stdin/stdout. It frames and validates messages exactly as the
 * SDK's `StdioServerTransport` does (the SDK's `ReadBuffer` and `serializeMessage`), but reads
 * with `Deno.stdin.read` and writes with `Deno.stdout.writeSync` instead of going through
 * `node:process` streams: that saves ≈ 30 µs per call, a fifth of a time-tool round trip
 * (tests/bench/RESULTS.md).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type JSONRPCMessage, ReadBuffer, serializeMessage, type Transport } from "./sdk.ts";

/** Bytes asked for per `read` of stdin. */
const READ_CHUNK = 64 * 1024;

/** A stdio transport; `onEof` runs once when stdin reaches end of file. */
export class DenoStdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;
  readonly #onEof: () => void;
  readonly #buffer = new ReadBuffer();
  readonly #encoder = new TextEncoder();
  #started = false;
  #closed = false;

  /** @param onEof called once when stdin ends (the client went away). */
  constructor(onEof: () => void) {
    this.#onEof = onEof;
  }

  /** Starts reading stdin. @throws {Error} when started twice. */
  start(): Promise<void> {
    if (this.#started) throw new Error("Cannot start the stdio transport: it is already started");
    this.#started = true;
    this.#read().catch((e) => this.onerror?.(e as Error));
    return Promise.resolve();
  }

  async #read(): Promise<void> {
    const chunk = new Uint8Array(READ_CHUNK);
    while (!this.#closed) {
      const n = await Deno.stdin.read(chunk);
      if (n === null) break;
      try {
        this.#buffer.append(Buffer.from(chunk.subarray(0, n))); // copies: `chunk` is reused
      } catch (e) { // over the SDK's 10 MB line limit: give up, as StdioServerTransport does
        this.onerror?.(e as Error);
        await this.close();
        return;
      }
      this.#deliver();
    }
    if (!this.#closed) this.#onEof();
  }

  /** Hands every complete line to `onmessage`; a line that is not a JSON-RPC message goes to `onerror`. */
  #deliver(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.#buffer.readMessage();
      } catch (e) {
        this.onerror?.(e as Error);
        continue; // the bad line is consumed; go on with the next
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  /** Writes one message as a line (a pipe write may be partial: loop until all is written). */
  send(message: JSONRPCMessage): Promise<void> {
    const bytes = this.#encoder.encode(serializeMessage(message));
    for (let off = 0; off < bytes.byteLength;) off += Deno.stdout.writeSync(bytes.subarray(off));
    return Promise.resolve();
  }

  /** Stops delivering messages. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#buffer.clear();
      this.onclose?.();
    }
    return Promise.resolve();
  }
}
