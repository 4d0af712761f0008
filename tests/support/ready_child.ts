/**
 * Test-only: a Deno helper process that prints `ready` on stdout once it is set up (the SHM
 * writers in this folder). Its later stdout is collected for {@linkcode ReadyChild.finish}.
 *
 * @module
 */

/** A helper process that said `ready`. */
export class ReadyChild implements AsyncDisposable {
  readonly child: Deno.ChildProcess;
  readonly #lines: ReadableStreamDefaultReader<string>;
  #out: string;

  private constructor(
    child: Deno.ChildProcess,
    lines: ReadableStreamDefaultReader<string>,
    out: string,
  ) {
    this.child = child;
    this.#lines = lines;
    this.#out = out;
  }

  /**
   * Runs `deno run FLAGS SCRIPT ARGS` (SCRIPT relative to tests/support) and waits for `ready`.
   *
   * @throws {Error} when the process exits before saying `ready`.
   */
  static async start(flags: string[], script: string, args: string[]): Promise<ReadyChild> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", ...flags, new URL(script, import.meta.url).pathname, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("ready\n")) {
      const { value, done } = await lines.read();
      if (done) {
        await child.status;
        throw new Error(
          `Cannot start ${script}: it exited before saying ready (${JSON.stringify(out)})`,
        );
      }
      out += value;
    }
    return new ReadyChild(child, lines, out.slice(out.indexOf("ready\n") + 6));
  }

  /** Waits for the process to exit; returns its status and the stdout printed after `ready`. */
  async finish(): Promise<{ status: Deno.CommandStatus; out: string }> {
    for (;;) {
      const { value, done } = await this.#lines.read();
      if (done) break;
      this.#out += value;
    }
    return { status: await this.child.status, out: this.#out };
  }

  /** Sends `signal` (ignored when the process has exited). */
  kill(signal: Deno.Signal): void {
    try {
      this.child.kill(signal);
    } catch {
      // already exited
    }
  }

  /** Kills the process (SIGKILL) if it still runs and waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.kill("SIGKILL");
    await this.finish();
  }
}
