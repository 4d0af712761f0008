/**
 * Opening and reading files through libc. Used for device nodes (ioctl needs a descriptor) and
 * for small kernel attribute files under `/sys`: Deno 2.9.5's permission guard demands
 * `--allow-all` for any read below `/sys`, `/proc` or `/dev` whatever `--allow-read` names
 * (denoland/deno#27564), while the server runs with path-scoped flags.
 *
 * @module
 */
import { checked } from "./check.ts";
import { libc } from "./libc.ts";
import { decodeStatx, type FileOwner, STATX_SIZE, STATX_WANT } from "../pps/statx.ts";

/** `s` as a NUL-terminated UTF-8 buffer. */
function cString(s: string): Uint8Array {
  return new TextEncoder().encode(`${s}\0`);
}

const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;

/**
 * `open(path, O_RDONLY | O_CLOEXEC)`: a file descriptor the caller must close.
 *
 * @throws {SyscallError} ENOENT, EACCES, …
 */
export function openReadOnly(path: string, action: string): number {
  return checked(
    libc().open(new TextEncoder().encode(`${path}\0`), O_RDONLY | O_CLOEXEC),
    action,
    "open",
  );
}

/** `close(fd)`, checked. */
export function closeFd(fd: number, action: string): void {
  checked(libc().close(fd), action, "close");
}

/**
 * Reads a small file (a kernel attribute: one `read` returns it whole) of at most `max` bytes,
 * as UTF-8 text.
 *
 * @throws {SyscallError} ENOENT when it does not exist, EACCES, …
 * @throws {RangeError} "Cannot read …: more than N bytes" when it is larger than `max`.
 */
export function readSmallFile(path: string, max = 4096): string {
  const fd = openReadOnly(path, `open ${path}`);
  try {
    const buf = new Uint8Array(max + 1);
    let n = 0;
    for (;;) {
      const rc = libc().read(fd, buf.subarray(n), BigInt(buf.length - n));
      const got = checked(Number(rc), `read ${path}`, "read");
      if (got === 0) break;
      n += got;
      if (n > max) throw new RangeError(`Cannot read ${path}: more than ${max} bytes`);
    }
    return new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    closeFd(fd, `close ${path}`);
  }
}

const AT_FDCWD = -100;
const statxBuf = new Uint8Array(STATX_SIZE);

/**
 * Owner and mode of `path` (`statx`, following symlinks). Needs no read permission on the file,
 * and (being libc) no Deno permission either.
 *
 * @throws {SyscallError} ENOENT, …
 */
export function fileOwner(path: string): FileOwner {
  statxBuf.fill(0);
  checked(libc().statx(AT_FDCWD, cString(path), 0, STATX_WANT, statxBuf), `stat ${path}`, "statx");
  return decodeStatx(statxBuf);
}
