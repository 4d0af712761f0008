/**
 * Pure decoding of `struct shmTime` and `struct shmid_ds` bytes (little-endian, 64-bit Linux).
 * No FFI here: callers copy the bytes out of native memory first.
 *
 * @module
 */
import { SHM_TIME, SHM_TIME_SIZE, SHMID_DS, SHMID_DS_SIZE } from "./layout.ts";

const NS_PER_S = 1_000_000_000;

/** The NTP leap indicator carried by a sample (a notification, not an offset). */
export type Leap = "none" | "insert" | "delete" | "unsynchronized";

const LEAP_NAMES: readonly Leap[] = ["none", "insert", "delete", "unsynchronized"];

/** Name of an SHM `leap` value; `undefined` for values outside 0–3. */
export function leapName(leap: number): Leap | undefined {
  return LEAP_NAMES[leap];
}

/** A point in time as whole seconds since the epoch plus 0 ≤ nsec < 10⁹. */
export interface Timestamp {
  sec: number;
  nsec: number;
}

/** Every field of one `struct shmTime`, exactly as stored. */
export interface RawShmTime {
  mode: number;
  count: number;
  clockSec: number;
  clockUsec: number;
  receiveSec: number;
  receiveUsec: number;
  leap: number;
  precision: number;
  nsamples: number;
  valid: number;
  clockNsec: number;
  receiveNsec: number;
}

/** A sample with its timestamps resolved to nanoseconds. */
export interface ShmSample {
  /** Reference time (e.g. GPS) from the writer. */
  reference: Timestamp;
  /** System clock when the writer took the sample. */
  receive: Timestamp;
  /** Whether the ns fields were used (`nsec / 1000 == usec`) or only µs. */
  nsPrecision: boolean;
  /** reference − receive, ns. */
  offsetNs: number;
  leap: number;
  precision: number;
  nsamples: number;
  mode: number;
  count: number;
}

/** Reads a little-endian i64 as a number (exact for |v| < 2⁵³, i.e. any real timestamp). */
function i64(view: DataView, at: number): number {
  return view.getInt32(at + 4, true) * 0x1_0000_0000 + view.getUint32(at, true);
}

const WORD = 4;
/** An aligned copy for input that does not start at a 4-byte boundary. */
const alignedCopy = new Uint8Array(SHM_TIME_SIZE);
/** The input decoded last and word views of it (see {@linkcode shmTimeWords}). */
let lastBytes: Uint8Array | null = null;
let lastI32: Int32Array = new Int32Array(0);
let lastU32: Uint32Array = new Uint32Array(0);

/**
 * Signed and unsigned 32-bit views of the first 96 bytes of `bytes`. A reader copies every
 * sample into one reused scratch buffer, so the views of the last input are kept: a decode then
 * allocates nothing but its result (a `DataView` per call costs ≈ 60 ns, most of the ≈ 100 ns
 * budget of one read). Typed arrays use the host's byte order; every Deno target (x86_64,
 * aarch64) is little-endian, as the segment is.
 */
function shmTimeWords(bytes: Uint8Array): [Int32Array, Uint32Array] {
  if (bytes !== lastBytes) {
    const aligned = bytes.byteOffset % WORD === 0;
    const src = aligned ? bytes : alignedCopy;
    lastBytes = aligned ? bytes : null; // an unaligned input is copied again on every call
    lastI32 = new Int32Array(src.buffer, src.byteOffset, SHM_TIME_SIZE / WORD);
    lastU32 = new Uint32Array(src.buffer, src.byteOffset, SHM_TIME_SIZE / WORD);
  }
  if (lastBytes === null) alignedCopy.set(bytes.subarray(0, SHM_TIME_SIZE));
  return [lastI32, lastU32];
}

/**
 * Decodes the 96 bytes of a `struct shmTime`.
 *
 * @throws {RangeError} "Cannot decode shmTime: …" when fewer than 96 bytes are given.
 */
export function decodeShmTime(bytes: Uint8Array): RawShmTime {
  if (bytes.byteLength < SHM_TIME_SIZE) {
    throw new RangeError(
      `Cannot decode shmTime: ${bytes.byteLength} bytes given, ${SHM_TIME_SIZE} needed`,
    );
  }
  const [i32, u32] = shmTimeWords(bytes);
  const at = (offset: number) => offset / WORD;
  return {
    mode: i32[at(SHM_TIME.mode)]!,
    count: i32[at(SHM_TIME.count)]!,
    clockSec: i32[at(SHM_TIME.clockTimeStampSec) + 1]! * 0x1_0000_0000 +
      u32[at(SHM_TIME.clockTimeStampSec)]!,
    clockUsec: i32[at(SHM_TIME.clockTimeStampUSec)]!,
    receiveSec: i32[at(SHM_TIME.receiveTimeStampSec) + 1]! * 0x1_0000_0000 +
      u32[at(SHM_TIME.receiveTimeStampSec)]!,
    receiveUsec: i32[at(SHM_TIME.receiveTimeStampUSec)]!,
    leap: i32[at(SHM_TIME.leap)]!,
    precision: i32[at(SHM_TIME.precision)]!,
    nsamples: i32[at(SHM_TIME.nsamples)]!,
    valid: i32[at(SHM_TIME.valid)]!,
    clockNsec: u32[at(SHM_TIME.clockTimeStampNSec)]!,
    receiveNsec: u32[at(SHM_TIME.receiveTimeStampNSec)]!,
  };
}

/**
 * Seconds plus a sub-second part in ns, carried so that 0 ≤ nsec < 10⁹ (a µs field of
 * 1 000 000 or a negative one moves whole seconds into `sec`).
 */
export function normalize(sec: number, subNs: number): Timestamp {
  const carry = Math.floor(subNs / NS_PER_S);
  return { sec: sec + carry, nsec: subNs - carry * NS_PER_S };
}

/**
 * The sub-second part of a timestamp in ns: the ns field when it agrees with the µs field
 * (`nsec / 1000 == usec`, the rule NTPsec and chrony apply), otherwise µs × 1000.
 */
export function subSecondNs(usec: number, nsec: number): { ns: number; precise: boolean } {
  if (Math.floor(nsec / 1000) === usec) return { ns: nsec, precise: true };
  return { ns: usec * 1000, precise: false };
}

/** Resolves a raw `shmTime` into a {@linkcode ShmSample} (timestamps in ns, offset). */
export function toSample(raw: RawShmTime): ShmSample {
  const c = subSecondNs(raw.clockUsec, raw.clockNsec);
  const r = subSecondNs(raw.receiveUsec, raw.receiveNsec);
  const reference = normalize(raw.clockSec, c.ns);
  const receive = normalize(raw.receiveSec, r.ns);
  return {
    reference,
    receive,
    nsPrecision: c.precise && r.precise,
    offsetNs: diffNs(reference, receive),
    leap: raw.leap,
    precision: raw.precision,
    nsamples: raw.nsamples,
    mode: raw.mode,
    count: raw.count,
  };
}

/** a − b in ns (exact while |a − b| < 104 days). */
export function diffNs(a: Timestamp, b: Timestamp): number {
  return (a.sec - b.sec) * NS_PER_S + (a.nsec - b.nsec);
}

/** A timestamp as an integer count of ns since the epoch, as a decimal string. */
export function unixNsString(t: Timestamp): string {
  return (BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec)).toString();
}

/**
 * The second formatted last and its "YYYY-MM-DDTHH:MM:SS" text. A status names the same second
 * many times (every unit's samples, the clock read now), and formatting it through `Date` costs
 * ≈ 0.5 µs each time.
 */
let isoSec = NaN;
let isoSecText = "";

/** A timestamp as ISO 8601 UTC with 9 fractional digits, e.g. `2026-11-24T06:45:00.123456789Z`. */
export function isoUtc(t: Timestamp): string {
  if (t.sec !== isoSec) {
    const date = new Date(t.sec * 1000);
    if (Number.isNaN(date.getTime())) {
      throw new RangeError(`Cannot format timestamp: ${t.sec} s is outside the ISO 8601 range`);
    }
    const base = date.toISOString(); // "YYYY-MM-DDTHH:MM:SS.000Z" (or ±YYYYYY-…)
    isoSecText = base.slice(0, base.length - 5);
    isoSec = t.sec;
  }
  return `${isoSecText}.${String(t.nsec).padStart(9, "0")}Z`;
}

/** Metadata of a SysV segment from `shmctl(IPC_STAT)`. */
export interface SegmentInfo {
  /** Owner uid (`shm_perm.uid`). */
  uid: number;
  /** Owner gid (`shm_perm.gid`). */
  gid: number;
  /** Permission bits (`shm_perm.mode & 0o777`). */
  mode: number;
  /** Size in bytes. */
  size: number;
  /** Last change (create, IPC_SET), seconds since the epoch. */
  ctime: number;
  /** Creator pid. */
  cpid: number;
  /** Number of current attaches. */
  nattch: number;
}

/**
 * Decodes the 112 bytes of a `struct shmid_ds`.
 *
 * @throws {RangeError} "Cannot decode shmid_ds: …" when fewer than 112 bytes are given.
 */
export function decodeShmidDs(bytes: Uint8Array): SegmentInfo {
  if (bytes.byteLength < SHMID_DS_SIZE) {
    throw new RangeError(
      `Cannot decode shmid_ds: ${bytes.byteLength} bytes given, ${SHMID_DS_SIZE} needed`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, SHMID_DS_SIZE);
  return {
    uid: v.getUint32(SHMID_DS.uid, true),
    gid: v.getUint32(SHMID_DS.gid, true),
    mode: v.getUint32(SHMID_DS.mode, true) & 0o777,
    size: Number(v.getBigUint64(SHMID_DS.segsz, true)),
    ctime: i64(v, SHMID_DS.ctime),
    cpid: v.getInt32(SHMID_DS.cpid, true),
    nattch: Number(v.getBigUint64(SHMID_DS.nattch, true)),
  };
}
