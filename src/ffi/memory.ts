/**
 * Reading native memory by address, through libc. Deno 2.9.5 refuses every `UnsafePointer` /
 * `UnsafePointerView` operation unless `--allow-ffi` is granted without a path
 * (denoland/deno#15511), and the server runs with `--allow-ffi=<libc path>`. So native addresses
 * are plain `usize` numbers inside `src/ffi/` and bytes are copied out with `memcpy`.
 *
 * @module
 */
import { libc } from "./libc.ts";

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
