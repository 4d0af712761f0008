/**
 * Test-only: a real NTP SHM writer. Creates (IPC_CREAT) and writes segments exactly as gpsd does
 * (`valid=0, count++, fields, count++, valid=1`), so tests exercise the monitor against real
 * kernel segments. Lives under tests/: the product never creates or writes a segment.
 *
 * @module
 */
import { SHM_TIME, SHM_TIME_SIZE, shmKey } from "../../src/shm/layout.ts";

const IPC_CREAT = 0o1000;
const IPC_RMID = 0;

const lib = Deno.dlopen(
  `/lib/${Deno.build.arch}-linux-gnu/libc.so.6`,
  {
    /** int shmget(key_t key, size_t size, int shmflg); */
    shmget: { parameters: ["i32", "usize", "i32"], result: "i32" },
    /** void *shmat(int shmid, const void *shmaddr, int shmflg); */
    shmat: { parameters: ["i32", "pointer", "i32"], result: "pointer" },
    /** int shmdt(const void *shmaddr); */
    shmdt: { parameters: ["pointer"], result: "i32" },
    /** int shmctl(int shmid, int cmd, struct shmid_ds *buf); */
    shmctl: { parameters: ["i32", "i32", "pointer"], result: "i32" },
  } as const,
);

/** One sample to write, fields as in `struct shmTime`. */
export interface WriteSample {
  clockSec: number;
  clockNsec: number;
  receiveSec: number;
  receiveNsec: number;
  leap?: number;
  precision?: number;
  nsamples?: number;
  mode?: number;
  /** Override the µs fields (default: nsec / 1000). */
  clockUsec?: number;
  receiveUsec?: number;
}

/** A read-write attachment of a test segment; removes the segment on dispose unless `keep`. */
export class TestSegment implements Disposable {
  readonly id: number;
  readonly unit: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  #addr: Deno.PointerObject | null;
  keep = false;

  private constructor(unit: number, id: number, addr: Deno.PointerObject, size: number) {
    this.unit = unit;
    this.id = id;
    this.#addr = addr;
    const buf = Deno.UnsafePointerView.getArrayBuffer(addr, size);
    this.bytes = new Uint8Array(buf);
    this.view = new DataView(buf);
  }

  /** Creates unit `unit`'s segment (failing if one exists) with `perm` and `size`. */
  static create(unit: number, perm = 0o600, size = SHM_TIME_SIZE): TestSegment {
    const IPC_EXCL = 0o2000;
    const id = lib.symbols.shmget(shmKey(unit), BigInt(size), IPC_CREAT | IPC_EXCL | perm);
    if (id < 0) throw new Error(`test writer: shmget(unit ${unit}) failed (segment exists?)`);
    const addr = lib.symbols.shmat(id, null, 0);
    if (addr === null || Deno.UnsafePointer.value(addr) === 0xffff_ffff_ffff_ffffn) {
      throw new Error(`test writer: shmat(unit ${unit}) failed`);
    }
    return new TestSegment(unit, id, addr, size);
  }

  /** Writes one sample with gpsd's sequence; mode defaults to 1. */
  write(s: WriteSample): void {
    const v = this.view;
    const le = true;
    v.setInt32(SHM_TIME.valid, 0, le);
    v.setInt32(SHM_TIME.count, v.getInt32(SHM_TIME.count, le) + 1, le);
    v.setInt32(SHM_TIME.mode, s.mode ?? 1, le);
    v.setBigInt64(SHM_TIME.clockTimeStampSec, BigInt(s.clockSec), le);
    v.setInt32(SHM_TIME.clockTimeStampUSec, s.clockUsec ?? Math.floor(s.clockNsec / 1000), le);
    v.setUint32(SHM_TIME.clockTimeStampNSec, s.clockNsec, le);
    v.setBigInt64(SHM_TIME.receiveTimeStampSec, BigInt(s.receiveSec), le);
    v.setInt32(
      SHM_TIME.receiveTimeStampUSec,
      s.receiveUsec ?? Math.floor(s.receiveNsec / 1000),
      le,
    );
    v.setUint32(SHM_TIME.receiveTimeStampNSec, s.receiveNsec, le);
    v.setInt32(SHM_TIME.leap, s.leap ?? 0, le);
    v.setInt32(SHM_TIME.precision, s.precision ?? -20, le);
    v.setInt32(SHM_TIME.nsamples, s.nsamples ?? 3, le);
    v.setInt32(SHM_TIME.count, v.getInt32(SHM_TIME.count, le) + 1, le);
    v.setInt32(SHM_TIME.valid, 1, le);
  }

  /** Clears `valid`, as a consumer (ntpd, chronyd) does after taking a sample. */
  consume(): void {
    this.view.setInt32(SHM_TIME.valid, 0, true);
  }

  /** Changes the segment's permission bits (IPC_STAT, then IPC_SET; updates its ctime). */
  chmod(perm: number): void {
    const IPC_SET = 1;
    const ds = new Uint8Array(112); // struct shmid_ds; shm_perm.mode at 20
    if (lib.symbols.shmctl(this.id, 2, Deno.UnsafePointer.of(ds)) < 0) {
      throw new Error(`test writer: shmctl(IPC_STAT, unit ${this.unit}) failed`);
    }
    new DataView(ds.buffer).setUint32(20, perm, true);
    if (lib.symbols.shmctl(this.id, IPC_SET, Deno.UnsafePointer.of(ds)) < 0) {
      throw new Error(`test writer: shmctl(IPC_SET, unit ${this.unit}) failed`);
    }
  }

  /** Marks the segment for removal (IPC_RMID) without detaching. */
  remove(): void {
    lib.symbols.shmctl(this.id, IPC_RMID, null);
  }

  [Symbol.dispose](): void {
    if (this.#addr === null) return;
    if (!this.keep) this.remove();
    lib.symbols.shmdt(this.#addr);
    this.#addr = null;
  }
}

/** Removes unit `unit`'s segment if one exists (for test setup). */
export function removeUnit(unit: number): void {
  const id = lib.symbols.shmget(shmKey(unit), 0n, 0);
  if (id >= 0) lib.symbols.shmctl(id, IPC_RMID, null);
}
