/**
 * Test-only: the real server as a child process, run exactly as `deno task start` runs it (the
 * start task's flags; never -A), spoken to with raw newline-delimited JSON-RPC over stdio. Every
 * stdout line is kept: a line that is not a JSON-RPC message is recorded in `stray`.
 *
 * @module
 */
import { denoArgv, type DenoRunOptions, ROOT, startFlags } from "./deno.ts";

/** A JSON-RPC message as received. */
export type Message = Record<string, unknown>;

/**
 * The structured content of a successful tool call.
 *
 * @throws {Error} when the response is a JSON-RPC error or an `isError` result.
 */
export function structured(r: Message): Record<string, unknown> {
  if (r.error !== undefined) throw new Error(`JSON-RPC error: ${JSON.stringify(r.error)}`);
  const result = r.result as Record<string, unknown>;
  if (result.isError === true) throw new Error(`tool error: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Record<string, unknown>;
}

/** How the process ended, and `performance.now()` when that was seen. */
export interface ExitInfo {
  status: Deno.CommandStatus;
  at: number;
}

/** The server under test. Dispose to kill it (SIGKILL) if still running. */
export class StdioServer implements AsyncDisposable {
  readonly child: Deno.ChildProcess;
  /** Messages that answered no pending request (notifications, responses to raw sends). */
  readonly unsolicited: Message[] = [];
  /** stdout lines that are not a JSON object with `"jsonrpc": "2.0"`. */
  readonly stray: string[] = [];
  /** Everything written to stderr so far. */
  stderr = "";
  /** Resolves when the process exits. */
  readonly exited: Promise<ExitInfo>;
  /** The exit status once the process has exited, else `null`. */
  exitStatus: Deno.CommandStatus | null = null;
  readonly #pending = new Map<string, (m: Message) => void>();
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #enc = new TextEncoder();
  #nextId = 1;
  #waiters: (() => void)[] = [];

  private constructor(child: Deno.ChildProcess) {
    this.child = child;
    this.#writer = child.stdin.getWriter();
    this.exited = child.status.then((status) => {
      this.exitStatus = status;
      return { status, at: performance.now() };
    });
    this.#readStdout();
    this.#readStderr();
  }

  /**
   * Starts `deno run <start flags> main.ts ARGS` in the repository root (optionally as nobody,
   * see {@linkcode DenoRunOptions}).
   */
  static start(args: readonly string[] = [], opts: DenoRunOptions = {}): StdioServer {
    const [cmd, ...rest] = denoArgv(["run", ...startFlags(), "main.ts", ...args], opts);
    const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...opts.env };
    if (opts.denoDir !== undefined) env.DENO_DIR = opts.denoDir;
    const child = new Deno.Command(cmd!, {
      args: rest,
      cwd: opts.cwd ?? ROOT,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new StdioServer(child);
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid;
  }

  async #readStdout(): Promise<void> {
    let buf = "";
    for await (const chunk of this.child.stdout.pipeThrough(new TextDecoderStream())) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        this.#onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    }
    if (buf !== "") this.stray.push(buf);
    this.#wake();
  }

  async #readStderr(): Promise<void> {
    for await (const chunk of this.child.stderr.pipeThrough(new TextDecoderStream())) {
      this.stderr += chunk;
      if (this.stderr.length > 1_000_000) this.stderr = this.stderr.slice(-500_000);
    }
  }

  #onLine(line: string): void {
    let m: unknown;
    try {
      m = JSON.parse(line);
    } catch {
      this.stray.push(line);
      return;
    }
    if (
      typeof m !== "object" || m === null || Array.isArray(m) || (m as Message).jsonrpc !== "2.0"
    ) {
      this.stray.push(line);
      return;
    }
    const msg = m as Message;
    const key = "id" in msg && !("method" in msg) ? JSON.stringify(msg.id) : undefined;
    const resolve = key === undefined ? undefined : this.#pending.get(key);
    if (resolve !== undefined) {
      this.#pending.delete(key!);
      resolve(msg);
    } else {
      this.unsolicited.push(msg);
    }
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Writes raw text or bytes (a newline is not added). */
  async write(data: string | Uint8Array): Promise<void> {
    await this.#writer.write(typeof data === "string" ? this.#enc.encode(data) : data);
  }

  /** Writes one message (any JSON value) followed by a newline. */
  async send(message: unknown): Promise<void> {
    await this.write(JSON.stringify(message) + "\n");
  }

  /**
   * Waits for the response with `id` (sent by the caller).
   *
   * @throws {Error} when the server exits first or `timeoutMs` passes.
   */
  response(id: unknown, timeoutMs = 30_000): Promise<Message> {
    const key = JSON.stringify(id);
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(key);
        reject(
          new Error(
            `No response to id ${key} within ${timeoutMs} ms; stderr:\n${this.stderr.slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(key, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.exited.then((e) => {
        if (!this.#pending.has(key)) return;
        this.#pending.delete(key);
        clearTimeout(timer);
        reject(
          new Error(
            `The server exited (${JSON.stringify(e.status)}) before answering id ${key}; stderr:\n${
              this.stderr.slice(-2000)
            }`,
          ),
        );
      });
    });
  }

  /** Sends a request with a fresh numeric id and returns its response. */
  async request(method: string, params?: unknown, timeoutMs?: number): Promise<Message> {
    const id = this.#nextId++;
    const answer = this.response(id, timeoutMs);
    try {
      await this.send(
        params === undefined
          ? { jsonrpc: "2.0", id, method }
          : { jsonrpc: "2.0", id, method, params },
      );
    } catch (e) {
      answer.catch(() => {}); // the send failed: report that, not the missing answer
      throw e;
    }
    return await answer;
  }

  /** The MCP handshake: `initialize` then `notifications/initialized`; returns the result. */
  async initialize(): Promise<Message> {
    const r = await this.request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "reliability-test", version: "0" },
    });
    if (r.error !== undefined) throw new Error(`initialize failed: ${JSON.stringify(r.error)}`);
    await this.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return r.result as Message;
  }

  /** `tools/call` of `name` with `args`; returns the whole response. */
  callTool(name: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<Message> {
    return this.request("tools/call", { name, arguments: args }, timeoutMs);
  }

  /** Closes stdin (EOF). */
  async closeStdin(): Promise<void> {
    await this.#writer.close().catch(() => {});
  }

  /** Resident set size now, kB (VmRSS from /proc/PID/status). */
  rssKb(): number {
    const m = Deno.readTextFileSync(`/proc/${this.pid}/status`).match(/^VmRSS:\s+(\d+) kB/m);
    if (m === null) throw new Error(`Cannot read the RSS of ${this.pid}`);
    return Number(m[1]);
  }

  /** The process's SysV mappings (lines of /proc/PID/maps naming /SYSV…). */
  sysvMappings(): string[] {
    return Deno.readTextFileSync(`/proc/${this.pid}/maps`).split("\n").filter((l) =>
      l.includes("/SYSV")
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await this.closeStdin();
    await this.exited;
  }
}
