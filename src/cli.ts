/**
 * Command-line flags (`node:util` `parseArgs`), validated into the options `main.ts` acts on.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { MAX_SHM_UNIT } from "./shm/layout.ts";
import { DEFAULT_SHM_UNITS, DEFAULT_STALE_AFTER_MS } from "./shm/monitor.ts";
import { NAME } from "./version.ts";

/** What the flags ask for. */
export interface CliOptions {
  /** NTP SHM units to watch (`--shm-units`, default 0-3). */
  shmUnits: number[];
  /** PPS device: `"auto"` (default), `"none"`, or a path (`--pps-device`). */
  ppsDevice: string;
  /** An SHM sample older than this is stale, ms (`--stale-after` seconds, default 10). */
  staleAfterMs: number;
  /** `--version`: print the version and exit. */
  version: boolean;
  /** `--help`: print the usage and exit. */
  help: boolean;
  /** `--check`: run the self-test instead of serving (handled by the delivery code). */
  check: boolean;
  /** `--json`: with `--check`, print JSON. */
  json: boolean;
}

/** The usage text printed by `--help`. */
export const USAGE = `Usage: ${NAME} [options]

Serves the Model Context Protocol over stdio: UTC time from clock_gettime with the kernel's error
bound and the source disciplining the clock (NTP SHM segments, a PPS device, the kernel NTP state).

Options:
  --shm-units LIST     NTP SHM units to watch, e.g. 0,1 or 0-3 (default ${
  DEFAULT_SHM_UNITS.join(",")
}; units 0-${MAX_SHM_UNIT})
  --pps-device DEV     auto (first /dev/ppsN, default), none, or a device path such as /dev/pps0
  --stale-after SEC    an SHM sample older than this many seconds is stale (default ${
  DEFAULT_STALE_AFTER_MS / 1000
})
  --check              check this machine's time stack and exit (--json for JSON output)
  --json               with --check: print the result as JSON
  --version            print the version and exit
  --help               print this help and exit
`;

/**
 * Parses `args` (without the program name).
 *
 * @throws {TypeError} "Cannot parse flags: …" for an unknown flag, a missing value or a bad value.
 */
export function parseCli(args: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        "shm-units": { type: "string" },
        "pps-device": { type: "string" },
        "stale-after": { type: "string" },
        version: { type: "boolean", short: "V" },
        help: { type: "boolean", short: "h" },
        check: { type: "boolean" },
        json: { type: "boolean" },
      },
    }));
  } catch (e) {
    throw new TypeError(`Cannot parse flags: ${(e as Error).message} (see --help)`, { cause: e });
  }
  return {
    shmUnits: values["shm-units"] === undefined
      ? [...DEFAULT_SHM_UNITS]
      : parseUnits(values["shm-units"]),
    ppsDevice: parsePpsDevice(values["pps-device"] ?? "auto"),
    staleAfterMs: values["stale-after"] === undefined
      ? DEFAULT_STALE_AFTER_MS
      : parseSeconds(values["stale-after"]),
    version: values.version ?? false,
    help: values.help ?? false,
    check: values.check ?? false,
    json: values.json ?? false,
  };
}

/**
 * Parses a unit list such as `0,1`, `0-3` or `2,40-42` into distinct units in the order given.
 *
 * @throws {TypeError} "Cannot parse flags: …" for anything else or a unit outside 0-255.
 */
export function parseUnits(text: string): number[] {
  const units: number[] = [];
  for (const part of text.split(",")) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(part);
    const from = m === null ? NaN : Number(m[1]);
    const to = m?.[2] === undefined ? from : Number(m[2]);
    if (!(from <= to) || to > MAX_SHM_UNIT) {
      throw new TypeError(
        `Cannot parse flags: --shm-units "${text}": "${part}" is not a unit or range of units 0-${MAX_SHM_UNIT} (e.g. 0,1 or 0-3)`,
      );
    }
    for (let u = from; u <= to; u++) if (!units.includes(u)) units.push(u);
  }
  return units;
}

function parsePpsDevice(text: string): string {
  if (text === "auto" || text === "none" || text.startsWith("/")) return text;
  throw new TypeError(
    `Cannot parse flags: --pps-device "${text}": expected auto, none or an absolute device path such as /dev/pps0`,
  );
}

function parseSeconds(text: string): number {
  const s = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!(s > 0) || !Number.isFinite(s)) {
    throw new TypeError(
      `Cannot parse flags: --stale-after "${text}": expected a positive number of seconds, e.g. 10 or 2.5`,
    );
  }
  return Math.round(s * 1000);
}
