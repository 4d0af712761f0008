/**
 * Watches a fingerprint of the status and calls back when it changes (for resource
 * subscriptions). Polls at the sampler's rate while started; the timer never keeps the process
 * alive.
 *
 * @module
 */

/** Polls `read` every `periodMs` while started and calls `onChange` when its value changes. */
export class StatusWatch implements Disposable {
  readonly #read: () => string;
  readonly #onChange: () => void;
  readonly #periodMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #last: string | undefined;
  #failed = false;

  constructor(read: () => string, onChange: () => void, periodMs: number) {
    if (!(periodMs > 0)) {
      throw new RangeError(`Cannot watch the status: period ${periodMs} ms is not positive`);
    }
    this.#read = read;
    this.#onChange = onChange;
    this.#periodMs = periodMs;
  }

  /** Whether the watch is polling. */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** Takes the current value as the baseline and starts polling (no-op when running). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#last = this.#tryRead();
    this.#timer = setInterval(() => this.#tick(), this.#periodMs);
    Deno.unrefTimer(this.#timer);
  }

  /** Stops polling. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = this.#tryRead();
    if (now === undefined || now === this.#last) return;
    this.#last = now;
    this.#onChange();
  }

  #tryRead(): string | undefined {
    try {
      const v = this.#read();
      this.#failed = false;
      return v;
    } catch (e) {
      if (!this.#failed) {
        console.error(`mcp-utc-time: Cannot read the status: ${(e as Error).message}`);
      }
      this.#failed = true;
      return undefined;
    }
  }

  [Symbol.dispose](): void {
    this.stop();
  }
}
