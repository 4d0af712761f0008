/**
 * `/proc/sysvipc/shm`: the kernel's world-readable table of SysV segments, as text. The server
 * cannot read it (Deno 2.9.5 requires `--allow-all` for any file under /proc, denoland/deno#27564):
 * it uses `shmStatAny` (src/ffi/shm.ts) instead. Tests use this parser to list segments.
 *
 * @module
 */
import type { SegmentInfo } from "../../src/shm/decode.ts";

/** Path of the kernel's segment table. */
export const SYSVIPC_SHM = "/proc/sysvipc/shm";

/**
 * Finds the row for `key` in the text of `/proc/sysvipc/shm` (columns: key shmid perms size cpid
 * lpid nattch uid gid cuid cgid atime dtime ctime …; key decimal, perms octal).
 */
export function parseSysvipcShm(text: string, key: number): SegmentInfo | null {
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14 || Number(f[0]) !== key) continue;
    return {
      mode: parseInt(f[2]!, 8) & 0o777,
      size: Number(f[3]),
      cpid: Number(f[4]),
      nattch: Number(f[6]),
      uid: Number(f[7]),
      gid: Number(f[8]),
      ctime: Number(f[13]),
    };
  }
  return null;
}
