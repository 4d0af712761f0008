/**
 * The one place a libc return code is checked. A call that signals failure (−1, or
 * `(void *)-1` from shmat) is turned into a {@linkcode SyscallError} carrying errno.
 *
 * @module
 */
import { SyscallError } from "./errno.ts";
import { libc } from "./libc.ts";

/** Reads errno right after a failed call (same thread: no symbol is nonblocking). */
export function lastErrno(): number {
  const p = libc().__errno_location();
  if (p === null) return 0;
  return new Deno.UnsafePointerView(p).getInt32(0);
}

/** strerror(errno), copied out of libc's buffer. */
export function describeErrno(errno: number): string {
  const p = libc().strerror(errno);
  return p === null ? `errno ${errno}` : Deno.UnsafePointerView.getCString(p);
}

/** Builds the error for a failed call from the current errno. */
export function failure(action: string, syscall: string): SyscallError {
  const errno = lastErrno();
  return new SyscallError(action, syscall, errno, describeErrno(errno));
}

/**
 * Returns `rc` when it is not −1; otherwise throws the call's {@linkcode SyscallError}.
 * Calls whose result is a value (not a status) pass it through unchanged.
 */
export function checked(rc: number, action: string, syscall: string): number {
  if (rc === -1) throw failure(action, syscall);
  return rc;
}

const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

/** Like {@linkcode checked} for calls that return a pointer and `(void *)-1` on failure. */
export function checkedPointer(
  p: Deno.PointerValue,
  action: string,
  syscall: string,
): Deno.PointerObject {
  if (p === null || Deno.UnsafePointer.value(p) === MAP_FAILED) throw failure(action, syscall);
  return p;
}
