/**
 * Bench-only: memory of a process from `/proc/PID/status`, and percentiles of a sample.
 *
 * @module
 */

/** Resident set size now and its peak, MiB. */
export interface Memory {
  /** `VmRSS`. */
  rssMiB: number;
  /** `VmHWM`: the peak resident set size since the process started. */
  peakMiB: number;
}

/**
 * Reads `VmRSS` and `VmHWM` of process `pid`.
 *
 * @throws {Error} "Cannot read the memory of process …" when the process is gone or the fields
 *   are missing.
 */
export function memoryOf(pid: number): Memory {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kib = (field: string): number => {
    const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"));
    if (m === null) throw new Error(`Cannot read the memory of process ${pid}: no ${field} line`);
    return Number(m[1]);
  };
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}

/** Percentiles (nearest rank) of a sample, and its size. */
export interface Percentiles {
  n: number;
  p50: number;
  p90: number;
  p99: number;
}

/**
 * Nearest-rank percentiles of `values` (not modified).
 *
 * @throws {RangeError} "Cannot summarise: no values" for an empty sample.
 */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) throw new RangeError("Cannot summarise: no values");
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return percentiles(values).p50;
}
