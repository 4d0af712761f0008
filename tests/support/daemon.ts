/**
 * Test-only: a daemon started by a test (gpsd, ntpd, chronyd, ...). Output goes to a log file in
 * the daemon's scratch directory; stopping it kills the process, waits for it, and removes the
 * SysV segments it created (these daemons never remove their own).
 *
 * @module
 */
import { removeSegmentsCreatedBy } from "./sysv.ts";

/** A running daemon; `await using` stops it and cleans up after it. */
export class Daemon implements AsyncDisposable {
  readonly name: string;
  readonly child: Deno.ChildProcess;
  /** Scratch directory (config, pid file, log); removed on stop. */
  readonly dir: string;
  /** `performance.now()` just before spawning. */
  readonly startedAt: number;
  readonly #log: Deno.FsFile;
  #stopped = false;

  private constructor(
    name: string,
    child: Deno.ChildProcess,
    dir: string,
    log: Deno.FsFile,
    startedAt: number,
  ) {
    this.name = name;
    this.child = child;
    this.dir = dir;
    this.#log = log;
    this.startedAt = startedAt;
  }

  /** The daemon's pid. */
  get pid(): number {
    return this.child.pid;
  }

  /** Path of the combined stdout + stderr log. */
  get logPath(): string {
    return `${this.dir}/${this.name}.log`;
  }

  /**
   * Spawns `cmd args` with stdout and stderr appended to `<dir>/<name>.log`.
   * `dir` is a fresh scratch directory (mode 0700) when not given.
   */
  static async spawn(
    name: string,
    cmd: string,
    args: string[],
    opts: { dir?: string; env?: Record<string, string> } = {},
  ): Promise<Daemon> {
    const dir = opts.dir ?? await Deno.makeTempDir({ prefix: `mcp-utc-time-${name}-` });
    const log = await Deno.open(`${dir}/${name}.log`, { create: true, append: true });
    const startedAt = performance.now();
    const child = new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: opts.env,
    }).spawn();
    const d = new Daemon(name, child, dir, log, startedAt);
    child.status.then((st) => d.exitStatus = st);
    d.#pump(child.stdout);
    d.#pump(child.stderr);
    return d;
  }

  #pumps: Promise<void>[] = [];
  #pump(stream: ReadableStream<Uint8Array>): void {
    this.#pumps.push((async () => {
      for await (const chunk of stream) await this.#log.write(chunk);
    })());
  }

  /** The log so far (for assertions and failure messages). */
  async log(): Promise<string> {
    return await Deno.readTextFile(this.logPath);
  }

  /** The exit status once the process has exited, else `null`. */
  exitStatus: Deno.CommandStatus | null = null;

  /**
   * Stops the daemon (SIGTERM, then SIGKILL after 5 s), removes the segments it created and its
   * scratch directory. Returns the keys of the segments removed.
   */
  async stop(): Promise<number[]> {
    if (this.#stopped) return [];
    this.#stopped = true;
    try {
      this.child.kill("SIGTERM");
    } catch {
      // already exited
    }
    const timer = setTimeout(() => {
      try {
        this.child.kill("SIGKILL");
      } catch {
        // exited meanwhile
      }
    }, 5_000);
    await this.child.status;
    clearTimeout(timer);
    await Promise.all(this.#pumps);
    this.#log.close();
    const removed = await removeSegmentsCreatedBy(this.pid);
    await Deno.remove(this.dir, { recursive: true });
    return removed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
