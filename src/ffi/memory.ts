/**
 * Reading native memory by address, through libc. Deno 2.9.5 refuses every `UnsafePointer` /
 * `UnsafePointerView` operation unless `--allow-ffi` is granted without a path
 * (denoland/deno#15511), and the server runs with `--allow-ffi=<libc path>`. So native addresses
 * are plain `usize` numbers inside `src/ffi/` and bytes are copied out with `memcpy`.
 *
 * @module
 */
import { libc } from "./libc.ts";
import { checkedReturn } from "./check.ts";

/** A native address (never leaves `src/ffi/`). */
export type Address = bigint;

/** `(void *)-1`, the failure value of `shmat`. */
export const MAP_FAILED: Address = 0xffff_ffff_ffff_ffffn;

/** An address returned by a `usize` symbol, as a bigint. */
export function address(value: number | bigint): Address {
  return BigInt(value);
}

/** Copies `dst.byteLength` bytes starting at `addr + offset` into `dst`. */
export function copyFrom(dst: Uint8Array, addr: Address, offset = 0): void {
  libc().memcpy(dst, addr + BigInt(offset), BigInt(dst.byteLength));
}

/** The NUL-terminated string at `addr`, decoded as UTF-8. */
export function cStringAt(addr: Address): string {
  const n = Number(libc().strlen(addr));
  const bytes = new Uint8Array(n);
  copyFrom(bytes, addr);
  return new TextDecoder().decode(bytes);
}

/**
 * A private mutex, kept locked by this thread: `pthread_mutex_t` is 40 bytes on x86_64 and 48 on
 * aarch64; all-zero bytes are `PTHREAD_MUTEX_INITIALIZER` (a normal mutex).
 */
let fenceMutex: Uint8Array | null = null;

/**
 * Orders every load before this call before every load after it, on CPUs that may reorder loads
 * (aarch64); a no-op on x86_64, whose loads are never reordered with other loads.
 *
 * libc has no fence function, so this unlocks and re-locks a private mutex: the unlock is a
 * store-release (earlier loads complete before it), the lock a load-acquire (later loads start
 * after it), and a store-release followed by a load-acquire is ordered on ARMv8. That is the read
 * barrier of a seqlock reader (NTPsec's SHM reader uses `atomic_thread_fence` there).
 */
export function loadFence(): void {
  if (Deno.build.arch !== "aarch64") return;
  if (fenceMutex === null) {
    fenceMutex = new Uint8Array(64);
    checkedReturn(
      libc().pthread_mutex_lock(fenceMutex),
      "prepare a load fence",
      "pthread_mutex_lock",
    );
  }
  checkedReturn(libc().pthread_mutex_unlock(fenceMutex), "fence loads", "pthread_mutex_unlock");
  checkedReturn(libc().pthread_mutex_lock(fenceMutex), "fence loads", "pthread_mutex_lock");
}
