/**
 * SysV shared memory, read-only: look a segment up by key, stat it, attach it `SHM_RDONLY`.
 * This file never passes `IPC_CREAT` and never writes through an attachment.
 *
 * @module
 */
import { checked, checkedPointer } from "./check.ts";
import { libc } from "./libc.ts";
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

/** A read-only attachment of one segment; detached on dispose. */
export class ShmAttachment implements Disposable {
  #addr: Deno.PointerObject | null;
  #bytes: Uint8Array | null;
  #words: Int32Array | null;
  /** The segment id attached. */
  readonly id: number;
  /** Bytes mapped (the first `size` bytes of the segment). */
  readonly size: number;

  private constructor(id: number, addr: Deno.PointerObject, size: number) {
    this.id = id;
    this.size = size;
    this.#addr = addr;
    const mapped = Deno.UnsafePointerView.getArrayBuffer(addr, size);
    this.#bytes = new Uint8Array(mapped);
    this.#words = new Int32Array(mapped, 0, size >> 2);
  }

  /**
   * Attaches segment `id` read-only, mapping `size` bytes of it for reading.
   *
   * @throws {SyscallError} EACCES when the caller may not read the segment; EINVAL/EIDRM, …
   */
  static attach(id: number, size: number, action: string): ShmAttachment {
    const addr = checkedPointer(libc().shmat(id, null, SHM_RDONLY), action, "shmat");
    return new ShmAttachment(id, addr, size);
  }

  /**
   * Copies the mapped bytes into `dst` and returns the i32 at `wordIndex` read again *after*
   * the copy (for the `count` check of mode-1 segments).
   */
  copyInto(dst: Uint8Array, wordIndex: number): number {
    if (this.#bytes === null || this.#words === null) {
      throw new Error(`Cannot read segment ${this.id}: it is detached`);
    }
    dst.set(this.#bytes.subarray(0, dst.byteLength));
    return this.#words[wordIndex]!;
  }

  /** Detaches (once). Reading after this throws. */
  [Symbol.dispose](): void {
    if (this.#addr === null) return;
    const addr = this.#addr;
    this.#addr = this.#bytes = this.#words = null;
    checked(libc().shmdt(addr), `detach segment ${this.id}`, "shmdt");
  }
}

