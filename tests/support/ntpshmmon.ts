/**
 * Test-only: `ntpshmmon` (gpsd-clients), the reference reader of NTP SHM units 0-7. Its "Clock"
 * column is the receive timestamp, "Real" the reference (clock) timestamp.
 *
 * @module
 */

/** One `sample` line of ntpshmmon. */
export interface NtpshmmonSample {
  /** Segment name, e.g. "NTP0". */
  name: string;
  /** Receive timestamp as printed, "sec.nnnnnnnnn". */
  clock: string;
  /** Reference timestamp as printed, "sec.nnnnnnnnn". */
  real: string;
  leap: number;
  precision: number;
}

/** Parses ntpshmmon's `sample NAME SEEN CLOCK REAL L PRC` lines. */
export function parseNtpshmmon(text: string): NtpshmmonSample[] {
  const out: NtpshmmonSample[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== "sample" || f.length < 7) continue;
    out.push({
      name: f[1]!,
      clock: f[3]!,
      real: f[4]!,
      leap: Number(f[5]),
      precision: Number(f[6]),
    });
  }
  return out;
}

/** Runs `ntpshmmon -n COUNT -t SECONDS` and returns its samples. */
export async function ntpshmmon(count: number, seconds: number): Promise<NtpshmmonSample[]> {
  const out = await new Deno.Command("ntpshmmon", {
    args: ["-n", String(count), "-t", String(seconds)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return parseNtpshmmon(new TextDecoder().decode(out.stdout));
}

/** A timestamp given as a decimal ns string (as reported) in ntpshmmon's "sec.nnnnnnnnn" form. */
export function asNtpshmmonTime(unixNs: string): string {
  const ns = BigInt(unixNs);
  const sec = ns / 1_000_000_000n;
  return `${sec}.${String(ns - sec * 1_000_000_000n).padStart(9, "0")}`;
}
