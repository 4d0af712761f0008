/**
 * SysV shared memory, read-only: look a segment up by key, stat it, attach it `SHM_RDONLY`.
 * This file never passes `IPC_CREAT` and never writes through an attachment.
 *
 * @module
 */
import { checked, checkedAddress } from "./check.ts";
import { SyscallError } from "./errno.ts";
import { libc } from "./libc.ts";
import { type Address, copyFrom, loadFence } from "./memory.ts";
import { decodeShmidDs, type SegmentInfo } from "../shm/decode.ts";
import { IPC_STAT, SHM_RDONLY, SHMID_DS_SIZE } from "../shm/layout.ts";

/**
 * The id of the existing segment with `key` (`shmget(key, 0, 0)`: no size demand, no create).
 *
 * @throws {SyscallError} ENOENT when no segment has the key; EACCES, …
 */
export function shmLookup(key: number, action: string): number {
  return checked(libc().shmget(key, 0n, 0), action, "shmget");
}

const statBuf = new Uint8Array(SHMID_DS_SIZE);

/**
 * `shmctl(id, IPC_STAT)`: owner, permissions, size, change time and attach count.
 *
 * @throws {SyscallError} EINVAL/EIDRM when the id is gone; EACCES without read permission.
 */
export function shmStat(id: number, action: string): SegmentInfo {
  checked(libc().shmctl(id, IPC_STAT, statBuf), action, "shmctl");
  return decodeShmidDs(statBuf);
}

/** `shmctl` command: highest index in use in the kernel's segment array. */
const SHM_INFO = 14;
/** `shmctl` command: IPC_STAT by array index, without the read-permission check (Linux ≥ 4.17). */
const SHM_STAT_ANY = 15;

/**
 * The metadata of segment `id` even when this process may not read it (`IPC_STAT` needs read
 * permission): scans the kernel's segment array with `SHM_STAT_ANY`, as `ipcs` does. `null` when
 * no index holds `id` (removed meanwhile, or a kernel before 4.17).
 */
export function shmStatAny(id: number, action: string): SegmentInfo | null {
  const maxIndex = checked(libc().shmctl(0, SHM_INFO, statBuf), action, "shmctl");
  for (let index = 0; index <= maxIndex; index++) {
    let found: number;
    try {
      found = checked(libc().shmctl(index, SHM_STAT_ANY, statBuf), action, "shmctl");
    } catch (e) {
      if (e instanceof SyscallError && e.code === "EINVAL") continue; // unused index
      throw e;
    }
    if (found === id) return decodeShmidDs(statBuf);
  }
  return null;
}

/** Bytes in the `count` word, as `memcpy` takes a length. */
const WORD_BYTES = 4n;

/** A read-only attachment of one segment; detached on dispose. */
export class ShmAttachment implements Disposable {
  #addr: Address | null;
  readonly #word = new Int32Array(1);
  readonly #wordBytes = new Uint8Array(this.#word.buffer);
  /**
   * `size`, and the address of the word last asked for, as the bigints `memcpy` takes, made once:
   * `copyInto` is the hot path of every read (≤ 100 ns), and each bigint made per call costs
   * ≈ 15 ns, so it calls `memcpy` directly with these (the lengths are checked by construction).
   */
  readonly #sizeBig: bigint;
  #wordAt = -1;
  #wordAddr = 0n;
  /** The segment id attached. */
  readonly id: number;
  /** Bytes readable (the first `size` bytes of the segment). */
  readonly size: number;

  private constructor(id: number, addr: Address, size: number) {
    this.id = id;
    this.size = size;
    this.#addr = addr;
    this.#sizeBig = BigInt(size);
  }

  /**
   * Attaches segment `id` read-only; `size` bytes of it will be read.
   *
   * @throws {SyscallError} EACCES when the caller may not read the segment; EINVAL/EIDRM, …
   */
  static attach(id: number, size: number, action: string): ShmAttachment {
    const addr = checkedAddress(libc().shmat(id, 0n, SHM_RDONLY), action, "shmat");
    return new ShmAttachment(id, addr, size);
  }

  /**
   * Copies the segment's first `dst.byteLength` bytes (at most `size`) into `dst`, seqlock-style
   * for the i32 at `wordIndex` (`count`): that word is read before the copy (and stored in `dst`
   * in place of the copied one), then the bytes, then the word again, which is returned. Loads are
   * fenced between the three steps ({@linkcode loadFence}), so when the returned word equals the
   * one in `dst`, no writer bumped it while the bytes were read.
   */
  copyInto(dst: Uint8Array, wordIndex: number): number {
    const addr = this.#addr;
    if (addr === null) throw new Error(`Cannot read segment ${this.id}: it is detached`);
    const at = wordIndex * 4;
    if (at !== this.#wordAt) {
      this.#wordAddr = addr + BigInt(at);
      this.#wordAt = at;
    }
    const { memcpy } = libc();
    memcpy(this.#wordBytes, this.#wordAddr, WORD_BYTES);
    loadFence();
    if (dst.byteLength >= this.size) memcpy(dst, addr, this.#sizeBig);
    else copyFrom(dst, addr);
    loadFence();
    dst.set(this.#wordBytes, at); // the word as read before the copy
    memcpy(this.#wordBytes, this.#wordAddr, WORD_BYTES);
    return this.#word[0]!;
  }

  /** Detaches (once). Reading after this throws. */
  [Symbol.dispose](): void {
    if (this.#addr === null) return;
    const addr = this.#addr;
    this.#addr = null;
    checked(libc().shmdt(addr), `detach segment ${this.id}`, "shmdt");
  }
}
