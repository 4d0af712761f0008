/**
 * Test-only: a writer that rewrites one NTP SHM segment (mode 1, `count` protocol, gpsd's write
 * sequence) as fast as it can, so that a reader running in another process meets writes in
 * progress. Every field of sample `n` is a function of `n`, and `n` is stored in `nsamples`:
 * a copy mixing two writes breaks {@linkcode patternMismatch}.
 *
 * Run: `deno run --allow-ffi --allow-read --allow-write torn_writer.ts UNIT STOP_FILE`. It creates
 * the segment, prints `ready` on stdout, writes until STOP_FILE exists (checked every 4096
 * writes; at most 10 minutes), removes the segment and prints `{"writes": N}`.
 *
 * @module
 */
import type { RawShmTime } from "../../src/shm/decode.ts";
import { normalize } from "../../src/shm/decode.ts";
import { TestSegment, type WriteSample } from "./shm_writer.ts";

const BASE_SEC = 1_700_000_000;

/** The offset (clock − receive, ns) sample `n` carries: varies with `n`, within ±1.01 s. */
export function patternOffsetNs(n: number): number {
  return ((n * 31) % 2001 - 1000) * 1_000_000 + (n % 997);
}

/** Sample `n` (≥ 1) of the pattern: every field derived from `n`, `nsamples = n`. */
export function patternSample(n: number): Required<Omit<WriteSample, "clockUsec" | "receiveUsec">> {
  const clockNsec = (n * 7919) % 1_000_000_000;
  const receive = normalize(BASE_SEC + n, clockNsec - patternOffsetNs(n));
  return {
    clockSec: BASE_SEC + n,
    clockNsec,
    receiveSec: receive.sec,
    receiveNsec: receive.nsec,
    leap: n & 3,
    precision: -1 - (n % 31),
    nsamples: n,
    mode: 1,
  };
}

/**
 * Why a copy is not exactly sample `raw.nsamples` of the pattern as the writer left it after its
 * `raw.nsamples`-th write (count = 2n on a fresh segment), or `null` when it is.
 */
export function patternMismatch(raw: RawShmTime): string | null {
  const n = raw.nsamples;
  if (!(n >= 1)) return `nsamples ${n} is not a sample number`;
  const s = patternSample(n);
  const want: Partial<RawShmTime> = {
    mode: 1,
    count: 2 * n,
    clockSec: s.clockSec,
    clockUsec: Math.floor(s.clockNsec / 1000),
    clockNsec: s.clockNsec,
    receiveSec: s.receiveSec,
    receiveUsec: Math.floor(s.receiveNsec / 1000),
    receiveNsec: s.receiveNsec,
    leap: s.leap,
    precision: s.precision,
  };
  for (const [k, v] of Object.entries(want)) {
    const got = raw[k as keyof RawShmTime];
    if (got !== v) return `sample ${n}: ${k} is ${got}, the writer wrote ${v}`;
  }
  return null;
}

if (import.meta.main) {
  const unit = Number(Deno.args[0]);
  const stopFile = Deno.args[1];
  if (!Number.isInteger(unit) || stopFile === undefined) {
    throw new TypeError("Cannot start torn writer: usage: torn_writer.ts UNIT STOP_FILE");
  }
  const deadline = Date.now() + 600_000;
  let n = 0;
  {
    using seg = TestSegment.create(unit, 0o600);
    console.log("ready");
    for (;;) {
      for (let i = 0; i < 4096; i++) seg.write(patternSample(++n));
      if (Date.now() > deadline) break;
      try {
        Deno.lstatSync(stopFile); // the test asks to stop
        break;
      } catch {
        // not yet
      }
    }
  }
  console.log(JSON.stringify({ writes: n }));
}
