/**
 * Pure decoding of the owner and permissions in a `struct statx` (256 bytes, the same layout on
 * every Linux architecture, unlike `struct stat`). Used to say who may open a PPS device node.
 *
 * @module
 */

/** Size of `struct statx`. */
export const STATX_SIZE = 256;

/** Offsets of the `struct statx` fields we read. */
export const STATX = { mask: 0, uid: 20, gid: 24, mode: 28 } as const; // u32, u32, u32, u16

/** `statx` mask bits requested: file type, mode, uid, gid. */
export const STATX_WANT = 0x1 | 0x2 | 0x8 | 0x10; // STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID

/** Owner and permissions of a file. */
export interface FileOwner {
  uid: number;
  gid: number;
  /** `st_mode`: file type and permission bits. */
  mode: number;
}

/**
 * Decodes owner and mode from `statx` output.
 *
 * @throws {RangeError} "Cannot decode statx: …" when short, or when the kernel did not fill a
 *   requested field (`stx_mask` lacks it).
 */
export function decodeStatx(bytes: Uint8Array): FileOwner {
  if (bytes.byteLength < STATX_SIZE) {
    throw new RangeError(
      `Cannot decode statx: ${bytes.byteLength} bytes given, ${STATX_SIZE} needed`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, STATX_SIZE);
  const mask = v.getUint32(STATX.mask, true);
  if ((mask & STATX_WANT) !== STATX_WANT) {
    throw new RangeError(
      `Cannot decode statx: stx_mask 0x${mask.toString(16)} lacks type, mode, uid or gid`,
    );
  }
  return {
    uid: v.getUint32(STATX.uid, true),
    gid: v.getUint32(STATX.gid, true),
    mode: v.getUint16(STATX.mode, true),
  };
}
