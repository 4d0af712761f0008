/**
 * PPS sources as sysfs lists them: `/sys/class/pps/ppsN/{name,path,assert}`. These files are
 * world-readable, so they also serve as the fallback when `/dev/ppsN` cannot be opened. They are
 * read through libc ({@linkcode readSmallFile}): Deno's own file APIs demand `--allow-all` below
 * `/sys`.
 *
 * @module
 */
import { SyscallError } from "../ffi/errno.ts";
import { readSmallFile } from "../ffi/file.ts";
import type { PpsEvent } from "./decode.ts";

/** Where the kernel lists PPS sources. */
export const SYSFS_PPS_ROOT = "/sys/class/pps";

/** `PPS_MAX_SOURCES`: the kernel numbers its sources pps0 … pps15. */
export const PPS_MAX_SOURCES = 16;

/** One PPS source from sysfs. */
export interface PpsSysfsEntry {
  /** The sysfs entry, e.g. `pps0`. */
  id: string;
  /** Its device node, `/dev/<id>`. */
  device: string;
  /** The sysfs directory, e.g. `/sys/class/pps/pps0`. */
  dir: string;
  /** The driver's name for the source (`name`), e.g. `pps@12.-1` for pps-gpio, `parport0`. */
  name: string | null;
  /** What the source is attached to (`path`), e.g. `/dev/ttyAMA0`; `null` when empty. */
  path: string | null;
}

function isMissing(e: unknown): boolean {
  return e instanceof SyscallError && (e.code === "ENOENT" || e.code === "ENODEV");
}

/** An attribute's text without the trailing newline; `null` when empty or absent. */
function readAttribute(dir: string, attr: string): string | null {
  try {
    const text = readSmallFile(`${dir}/${attr}`).trim();
    return text === "" ? null : text;
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

/**
 * The sysfs facts of entry `id` (e.g. `pps0`) under `root`; `null` when there is no such entry.
 *
 * @throws {SyscallError} when the entry exists but cannot be read (EACCES, …).
 */
export function sysfsEntry(id: string, root: string = SYSFS_PPS_ROOT): PpsSysfsEntry | null {
  const dir = `${root}/${id}`;
  let name: string;
  try {
    name = readSmallFile(`${dir}/name`).trim(); // every PPS source has a name attribute
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
  return {
    id,
    device: `/dev/${id}`,
    dir,
    name: name === "" ? null : name,
    path: readAttribute(dir, "path"),
  };
}

/**
 * The PPS sources under `root` (pps0 … pps15), lowest number first; `[]` when there are none
 * (no PPS driver loaded).
 *
 * @throws {SyscallError} when an entry exists but cannot be read.
 */
export function listPpsSources(root: string = SYSFS_PPS_ROOT): PpsSysfsEntry[] {
  const found: PpsSysfsEntry[] = [];
  for (let n = 0; n < PPS_MAX_SOURCES; n++) {
    const e = sysfsEntry(`pps${n}`, root);
    if (e !== null) found.push(e);
  }
  return found;
}

const ASSERT = /^(\d+)\.(\d{9})#(-?\d+)$/;

/**
 * Parses the `assert` attribute, `sec.nsec#sequence` (the kernel prints the u32 sequence with
 * `%d`, so it may look negative past 2³¹). `null` for an empty file: the source does not
 * capture assert events.
 *
 * @throws {SyntaxError} "Cannot parse PPS assert …" for anything else.
 */
export function parseSysfsAssert(text: string): PpsEvent | null {
  const line = text.trim();
  if (line === "") return null;
  const m = ASSERT.exec(line);
  if (m === null) {
    throw new SyntaxError(
      `Cannot parse PPS assert ${JSON.stringify(line)}: expected sec.nsec#sequence`,
    );
  }
  return {
    sequence: Number(m[3]) >>> 0,
    time: { sec: Number(m[1]), nsec: Number(m[2]) },
  };
}

/**
 * Reads and parses `<dir>/assert`.
 *
 * @throws {SyscallError} ENOENT when the source went away, …; {SyntaxError} for unexpected
 *   content.
 */
export function readSysfsAssert(dir: string): PpsEvent | null {
  return parseSysfsAssert(readSmallFile(`${dir}/assert`));
}
