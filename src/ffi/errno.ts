/**
 * Linux errno numbers by name (asm-generic; x86_64 and aarch64 share them) and the error type
 * every failed libc call becomes.
 *
 * @module
 */

const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  5: "EIO",
  6: "ENXIO",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  19: "ENODEV",
  20: "ENOTDIR",
  21: "EISDIR",
  22: "EINVAL",
  23: "ENFILE",
  24: "EMFILE",
  25: "ENOTTY",
  28: "ENOSPC",
  30: "EROFS",
  38: "ENOSYS",
  43: "EIDRM",
  95: "EOPNOTSUPP",
  110: "ETIMEDOUT",
};

/** The symbolic name of an errno value, e.g. `13` → `"EACCES"` (`"E?<n>"` when unknown). */
export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E?${errno}`;
}

/** A failed libc call: which call, for what, and the errno it left. */
export class SyscallError extends Error {
  /** The libc function that failed, e.g. `"shmat"`. */
  readonly syscall: string;
  /** The errno value the call left. */
  readonly errno: number;
  /** The errno's symbolic name, e.g. `"EACCES"`. */
  readonly code: string;

  /**
   * @param action what we were doing, completing "Cannot …", e.g. "attach NTP segment 0"
   * @param syscall the libc function that failed
   * @param errno the errno it left
   * @param description strerror(errno)
   */
  constructor(action: string, syscall: string, errno: number, description: string) {
    const code = errnoName(errno);
    super(`Cannot ${action}: ${syscall} failed: ${description} (${code})`);
    this.name = "SyscallError";
    this.syscall = syscall;
    this.errno = errno;
    this.code = code;
  }
}
