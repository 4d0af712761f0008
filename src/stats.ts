/**
 * Summary statistics over a short history of offsets (pure).
 *
 * @module
 */

/** Mean, jitter and range of a series of offsets, in ns. */
export interface OffsetStats {
  /** Number of values summarised. */
  count: number;
  /** Arithmetic mean, ns. */
  meanNs: number;
  /**
   * Jitter, ns: the RMS of successive differences (as NTP computes peer jitter), which ignores a
   * constant offset and a slow drift. `null` with fewer than two values.
   */
  jitterNs: number | null;
  /** Smallest value, ns. */
  minNs: number;
  /** Largest value, ns. */
  maxNs: number;
}

/** Summarises `values` (oldest first); `null` when empty. */
export function offsetStats(values: readonly number[]): OffsetStats | null {
  const n = values.length;
  if (n === 0) return null;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (i > 0) {
      const d = v - values[i - 1]!;
      sq += d * d;
    }
  }
  return {
    count: n,
    meanNs: sum / n,
    jitterNs: n > 1 ? Math.sqrt(sq / (n - 1)) : null,
    minNs: min,
    maxNs: max,
  };
}

/** A fixed-capacity FIFO: pushing past capacity drops the oldest entry. */
export class Ring<T> {
  #items: T[] = [];
  readonly capacity: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Cannot create ring: capacity ${capacity} is not a positive integer`);
    }
    this.capacity = capacity;
  }

  push(item: T): void {
    if (this.#items.length === this.capacity) this.#items.shift();
    this.#items.push(item);
  }

  /** The entries, oldest first. */
  toArray(): readonly T[] {
    return this.#items;
  }

  get length(): number {
    return this.#items.length;
  }

  /** The newest entry. */
  last(): T | undefined {
    return this.#items[this.#items.length - 1];
  }
}
