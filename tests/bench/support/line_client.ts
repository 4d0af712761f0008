/**
 * Bench-only: a minimal MCP client over stdio (newline-delimited JSON-RPC 2.0), the same for
 * every server measured, so the client's own cost is equal for all of them. It times each
 * answer at the moment its line is parsed.
 *
 * @module
 */

/** The protocol revision offered in `initialize` (servers may answer an older one). */
export const PROTOCOL_VERSION = "2025-06-18";

/** An answer and when it arrived (`performance.now()` ms). */
export interface Answer {
  result: Record<string, unknown>;
  receivedAt: number;
}

interface Pending {
  resolve: (a: Answer) => void;
  reject: (e: Error) => void;
  sentAt: number;
}

/** A server child process driven over its stdin/stdout; `await using` closes it. */
export class LineClient implements AsyncDisposable {
  readonly name: string;
  readonly child: Deno.ChildProcess;
  /** `performance.now()` just before spawning. */
  readonly spawnedAt: number;
  /** stdout lines that were not JSON (a stdio server should write none), first 200 chars each. */
  readonly stray: string[] = [];
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #pending = new Map<number, Pending>();
  readonly #encoder = new TextEncoder();
  readonly #timeoutMs: number;
  readonly #watchdog: ReturnType<typeof setInterval>;
  readonly #reading: Promise<void>;
  readonly #draining: Promise<void>;
  #stderrTail = "";
  #nextId = 1;
  #exited: Deno.CommandStatus | null = null;

  private constructor(
    name: string,
    child: Deno.ChildProcess,
    spawnedAt: number,
    timeoutMs: number,
  ) {
    this.name = name;
    this.child = child;
    this.spawnedAt = spawnedAt;
    this.#timeoutMs = timeoutMs;
    this.#writer = child.stdin.getWriter();
    this.#reading = this.#readLines(child.stdout);
    this.#draining = this.#keepStderrTail(child.stderr);
    child.status.then((st) => {
      this.#exited = st;
      this.#failAll(`${this.name} exited with code ${st.code}${this.#stderrSuffix()}`);
    });
    this.#watchdog = setInterval(() => this.#expire(), 1_000);
  }

  /**
   * Starts `cmd args` with piped stdio. Requests not answered within `timeoutMs` fail (the
   * bench then reports that server as failed; it never waits forever).
   */
  static spawn(
    name: string,
    cmd: string,
    args: readonly string[],
    opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
  ): LineClient {
    const spawnedAt = performance.now();
    const child = new Deno.Command(cmd, {
      args: [...args],
      cwd: opts.cwd,
      env: opts.env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new LineClient(name, child, spawnedAt, opts.timeoutMs ?? 30_000);
  }

  /** The process id of the server. */
  get pid(): number {
    return this.child.pid;
  }

  /** Sends a request and resolves with its result (rejects on a JSON-RPC error). */
  request(method: string, params: Record<string, unknown> = {}): Promise<Answer> {
    const id = this.#nextId++;
    const answer = new Promise<Answer>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, sentAt: performance.now() });
    });
    this.#send({ jsonrpc: "2.0", id, method, params }).catch((e) => this.#fail(id, e));
    return answer;
  }

  /** Sends a notification (no answer). */
  async notify(method: string, params: Record<string, unknown> = {}): Promise<void> {
    await this.#send({ jsonrpc: "2.0", method, params });
  }

  /**
   * The MCP handshake: `initialize`, `notifications/initialized`, then `tools/list`.
   * Returns the tool names and when the `tools/list` answer arrived.
   */
  async handshake(): Promise<{ tools: string[]; listedAt: number }> {
    await this.request("initialize", {
      protocolVersion: PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: "mcp-utc-time-bench", version: "1" },
    });
    await this.notify("notifications/initialized");
    const listed = await this.request("tools/list");
    const tools = (listed.result.tools as { name: string }[]).map((t) => t.name);
    return { tools, listedAt: listed.receivedAt };
  }

  /**
   * Calls a tool and returns its round-trip time in ms.
   *
   * @throws {Error} when the server answers with an error or a result marked `isError`.
   */
  async callTool(name: string, args: Record<string, unknown>): Promise<number> {
    const sentAt = performance.now();
    const a = await this.request("tools/call", { name, arguments: args });
    if (a.result.isError === true) {
      throw new Error(`${this.name}: tool ${name} failed: ${JSON.stringify(a.result.content)}`);
    }
    return a.receivedAt - sentAt;
  }

  async #send(msg: unknown): Promise<void> {
    await this.#writer.write(this.#encoder.encode(`${JSON.stringify(msg)}\n`));
  }

  async #readLines(stdout: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of stdout) {
      const receivedAt = performance.now();
      buf += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line !== "") this.#onLine(line, receivedAt);
      }
    }
  }

  #onLine(line: string, receivedAt: number): void {
    let msg: { id?: unknown; method?: unknown; result?: unknown; error?: { message?: string } };
    try {
      msg = JSON.parse(line);
    } catch {
      this.stray.push(line.slice(0, 200)); // SDK clients skip such lines too
      return;
    }
    if (typeof msg.method === "string") {
      if (msg.id !== undefined) { // a server request: this client offers no capabilities
        this.#send({
          jsonrpc: "2.0",
          id: msg.id,
          error: { code: -32601, message: "Method not found" },
        }).catch(() => {});
      }
      return;
    }
    const p = typeof msg.id === "number" ? this.#pending.get(msg.id) : undefined;
    if (p === undefined) return;
    this.#pending.delete(msg.id as number);
    if (msg.error !== undefined) {
      p.reject(new Error(`${this.name}: JSON-RPC error: ${JSON.stringify(msg.error)}`));
    } else {
      p.resolve({ result: msg.result as Record<string, unknown>, receivedAt });
    }
  }

  async #keepStderrTail(stderr: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stderr) {
      this.#stderrTail = (this.#stderrTail + decoder.decode(chunk, { stream: true })).slice(-2_000);
    }
  }

  #stderrSuffix(): string {
    const tail = this.#stderrTail.trim();
    return tail === "" ? "" : `; its stderr ends with: ${tail.slice(-500)}`;
  }

  #expire(): void {
    const now = performance.now();
    for (const [id, p] of this.#pending) {
      if (now - p.sentAt > this.#timeoutMs) {
        this.#fail(id, new Error(`${this.name}: no answer within ${this.#timeoutMs} ms`));
      }
    }
  }

  #fail(id: number, e: Error): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.#pending.delete(id);
    p.reject(e);
  }

  #failAll(message: string): void {
    for (const id of [...this.#pending.keys()]) this.#fail(id, new Error(message));
  }

  /** Closes stdin (a stdio server exits on EOF); SIGKILL after 5 s if it has not. */
  async close(): Promise<void> {
    clearInterval(this.#watchdog);
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => {
      if (this.#exited === null) {
        try {
          this.child.kill("SIGKILL");
        } catch {
          // exited meanwhile
        }
      }
    }, 5_000);
    await this.child.status;
    clearTimeout(timer);
    await Promise.all([this.#reading, this.#draining]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
