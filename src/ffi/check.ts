/**
 * The one place a libc return code is checked. A call that signals failure (−1, or
 * `(void *)-1` from shmat) is turned into a {@linkcode SyscallError} carrying errno.
 *
 * @module
 */
import { SyscallError } from "./errno.ts";
import { libc } from "./libc.ts";
import { type Address, address, copyFrom, cStringAt, MAP_FAILED } from "./memory.ts";

const errnoBuf = new Int32Array(1);
const errnoBytes = new Uint8Array(errnoBuf.buffer);

/** Reads errno right after a failed call (same thread: no symbol is nonblocking). */
export function lastErrno(): number {
  const p = address(libc().__errno_location());
  if (p === 0n) return 0;
  copyFrom(errnoBytes, p);
  return errnoBuf[0]!;
}

/** strerror(errno), copied out of libc's buffer. */
export function describeErrno(errno: number): string {
  const p = address(libc().strerror(errno));
  return p === 0n ? `errno ${errno}` : cStringAt(p);
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

/**
 * For calls that return 0 or an errno value themselves (the pthread functions): throws the
 * call's {@linkcode SyscallError} when `rc` is not 0.
 */
export function checkedReturn(rc: number, action: string, syscall: string): void {
  if (rc !== 0) throw new SyscallError(action, syscall, rc, describeErrno(rc));
}

/** Like {@linkcode checked} for calls that return an address and `(void *)-1` on failure. */
export function checkedAddress(p: number | bigint, action: string, syscall: string): Address {
  const a = address(p);
  if (a === 0n || a === MAP_FAILED) throw failure(action, syscall);
  return a;
}
