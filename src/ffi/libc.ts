/**
 * The one libc symbol table of mcp-utc-time. Every native call the project makes is listed here,
 * with its C prototype. Nothing outside `src/ffi/` sees a pointer. Pointers are declared `usize`,
 * not `pointer`: under a path-scoped `--allow-ffi` Deno refuses pointer objects (see memory.ts).
 *
 * No symbol is `nonblocking`: errno is thread-local, and a nonblocking call runs on another
 * thread, so the errno read after it would belong to a different thread.
 *
 * @module
 */

/** The FFI declarations, one per libc function. */
export const LIBC_SYMBOLS = {
  /** int shmget(key_t key, size_t size, int shmflg); */
  shmget: { parameters: ["i32", "usize", "i32"], result: "i32" },
  /** void *shmat(int shmid, const void *shmaddr, int shmflg); returns (void *)-1 on error */
  shmat: { parameters: ["i32", "usize", "i32"], result: "usize" },
  /** int shmdt(const void *shmaddr); */
  shmdt: { parameters: ["usize"], result: "i32" },
  /** int shmctl(int shmid, int cmd, struct shmid_ds *buf); */
  shmctl: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  /** int clock_gettime(clockid_t clockid, struct timespec *tp); */
  clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
  /** int ntp_adjtime(struct timex *buf); */
  ntp_adjtime: { parameters: ["buffer"], result: "i32" },
  /** int open(const char *pathname, int flags); (no O_CREAT, so no mode argument) */
  open: { parameters: ["buffer", "i32"], result: "i32" },
  /** ssize_t read(int fd, void *buf, size_t count); */
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  /** int statx(int dirfd, const char *pathname, int flags, unsigned int mask, struct statx *statxbuf); */
  statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: "i32" },
  /** int close(int fd); */
  close: { parameters: ["i32"], result: "i32" },
  /** int ioctl(int fd, unsigned long request, void *argp); */
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  /** uid_t getuid(void); */
  getuid: { parameters: [], result: "u32" },
  /** int getpagesize(void); */
  getpagesize: { parameters: [], result: "i32" },
  /** int uname(struct utsname *buf); */
  uname: { parameters: ["buffer"], result: "i32" },
  /** int *__errno_location(void); */
  __errno_location: { parameters: [], result: "usize" },
  /** char *strerror(int errnum); */
  strerror: { parameters: ["i32"], result: "usize" },
  /** void *memcpy(void *dest, const void *src, size_t n); (copies native memory out: see memory.ts) */
  memcpy: { parameters: ["buffer", "usize", "usize"], result: "usize" },
  /** int pthread_mutex_lock(pthread_mutex_t *mutex); (a load-acquire: see memory.ts loadFence) */
  pthread_mutex_lock: { parameters: ["buffer"], result: "i32" },
  /** int pthread_mutex_unlock(pthread_mutex_t *mutex); (a store-release) */
  pthread_mutex_unlock: { parameters: ["buffer"], result: "i32" },
  /** size_t strlen(const char *s); */
  strlen: { parameters: ["usize"], result: "usize" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded library's symbols. */
export type LibcSymbols = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

/** The glibc path for this process's architecture (the `--allow-ffi` scope names both). */
export function libcPath(arch: string = Deno.build.arch): string {
  return `/lib/${arch}-linux-gnu/libc.so.6`;
}

let lib: Deno.DynamicLibrary<typeof LIBC_SYMBOLS> | undefined;

/**
 * Opens libc once and returns its symbols.
 *
 * @throws {Deno.errors.NotCapable} without `--allow-ffi` for the libc path.
 * @throws {Error} "Cannot open libc: …" when the library cannot be loaded.
 */
export function libc(): LibcSymbols {
  if (lib === undefined) {
    if (Deno.build.os !== "linux") {
      throw new Error(`Cannot open libc: mcp-utc-time runs on Linux, not ${Deno.build.os}`);
    }
    try {
      lib = Deno.dlopen(libcPath(), LIBC_SYMBOLS);
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) throw e;
      throw new Error(`Cannot open libc: ${(e as Error).message}`, { cause: e });
    }
  }
  return lib.symbols;
}
