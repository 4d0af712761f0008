/**
 * Pure decoding of Linux `struct utsname` (six NUL-terminated 65-byte fields) as `uname(2)` fills
 * it. Used because Deno refuses to read `/proc/sys/kernel/osrelease` without `--allow-all`.
 *
 * @module
 */

/** Length of each `struct utsname` field on Linux (`_UTSNAME_LENGTH`). */
export const UTSNAME_FIELD = 65;
/** Size of `struct utsname` on Linux: sysname, nodename, release, version, machine, domainname. */
export const UTSNAME_SIZE = 6 * UTSNAME_FIELD;

/** The `uname` fields the check reports. */
export interface Utsname {
  /** e.g. "Linux". */
  sysname: string;
  /** Kernel release, e.g. "6.12.25+rpt-rpi-2712". */
  release: string;
  /** Kernel build string, e.g. "#1 SMP PREEMPT Debian 1:6.12.25-1+rpt1 (2025-04-30)". */
  version: string;
  /** Hardware name, e.g. "aarch64". */
  machine: string;
}

/**
 * Decodes the 390 bytes of a `struct utsname`.
 *
 * @throws {RangeError} "Cannot decode utsname: …" for fewer bytes or a field without its NUL.
 */
export function decodeUtsname(bytes: Uint8Array): Utsname {
  if (bytes.byteLength < UTSNAME_SIZE) {
    throw new RangeError(
      `Cannot decode utsname: ${bytes.byteLength} bytes given, ${UTSNAME_SIZE} needed`,
    );
  }
  const field = (i: number, name: string): string => {
    const f = bytes.subarray(i * UTSNAME_FIELD, (i + 1) * UTSNAME_FIELD);
    const end = f.indexOf(0);
    if (end < 0) throw new RangeError(`Cannot decode utsname: the ${name} field has no NUL`);
    return new TextDecoder().decode(f.subarray(0, end));
  };
  return {
    sysname: field(0, "sysname"),
    release: field(2, "release"),
    version: field(3, "version"),
    machine: field(4, "machine"),
  };
}
