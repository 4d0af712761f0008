/**
 * Test-only: waiting by polling, with generous limits (the machine is shared; never tune a sleep
 * to the millisecond).
 *
 * @module
 */

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Options of {@linkcode waitFor}. */
export interface WaitOptions {
  /** Give up after this many ms (default 30 000). */
  timeoutMs?: number;
  /** Poll every this many ms (default 50). */
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something other than `undefined`/`null`/`false`, and returns
 * that value.
 *
 * @throws {Error} "Timed out after N ms waiting for <what>" (with the last probe error, if any).
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: WaitOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 50;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (performance.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}
