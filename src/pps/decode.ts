/**
 * Pure decoding of the PPS ioctl structs (`pps_kinfo`, `pps_fdata`, `pps_kparams`) and of
 * capability/mode bits. No FFI here: callers copy the bytes out first.
 *
 * @module
 */
import type { Timestamp } from "../shm/decode.ts";
import {
  PPS_API_VERS_1,
  PPS_FDATA,
  PPS_FDATA_SIZE,
  PPS_KINFO,
  PPS_KINFO_SIZE,
  PPS_KPARAMS,
  PPS_KPARAMS_SIZE,
  PPS_KTIME,
  PPS_MODE,
} from "./layout.ts";

/** One edge as the kernel recorded it: its sequence number and the system time of the edge. */
export interface PpsEvent {
  /** The kernel's event counter (u32; 0 before the first edge). */
  sequence: number;
  /** CLOCK_REALTIME when the edge was timestamped. */
  time: Timestamp;
}

/** `struct pps_kinfo`: the latest assert and clear events. */
export interface PpsInfo {
  assert: PpsEvent;
  clear: PpsEvent;
  /** `current_mode`: the mode bits in force. */
  currentMode: number;
}

/** `struct pps_kparams`: the source's configuration. */
export interface PpsParams {
  apiVersion: number;
  /** Mode bits (what is captured, offsets applied, timestamp format). */
  mode: number;
  /** Offset added to assert timestamps, ns (from `assert_off_tu`). */
  assertOffsetNs: number;
  /** Offset added to clear timestamps, ns (from `clear_off_tu`). */
  clearOffsetNs: number;
}

function need(bytes: Uint8Array, size: number, what: string): DataView {
  if (bytes.byteLength < size) {
    throw new RangeError(`Cannot decode ${what}: ${bytes.byteLength} bytes given, ${size} needed`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset, size);
}

/** Decodes a `struct pps_ktime` at `at`; the nsec field must be 0–999 999 999. */
function ktime(v: DataView, at: number, what: string, field: string): Timestamp {
  const sec = Number(v.getBigInt64(at + PPS_KTIME.sec, true));
  const nsec = v.getInt32(at + PPS_KTIME.nsec, true);
  if (nsec < 0 || nsec > 999_999_999) {
    throw new RangeError(`Cannot decode ${what}: ${field} nsec ${nsec} is outside 0-999999999`);
  }
  return { sec, nsec };
}

function kinfo(v: DataView, at: number, what: string): PpsInfo {
  return {
    assert: {
      sequence: v.getUint32(at + PPS_KINFO.assertSequence, true),
      time: ktime(v, at + PPS_KINFO.assertTu, what, "assert_tu"),
    },
    clear: {
      sequence: v.getUint32(at + PPS_KINFO.clearSequence, true),
      time: ktime(v, at + PPS_KINFO.clearTu, what, "clear_tu"),
    },
    currentMode: v.getInt32(at + PPS_KINFO.currentMode, true),
  };
}

/**
 * Decodes the 48 bytes of a `struct pps_kinfo`.
 *
 * @throws {RangeError} "Cannot decode pps_kinfo: …" when short or a nsec field is out of range.
 */
export function decodePpsKinfo(bytes: Uint8Array): PpsInfo {
  return kinfo(need(bytes, PPS_KINFO_SIZE, "pps_kinfo"), 0, "pps_kinfo");
}

/**
 * Decodes the `info` of the 64 bytes of a `struct pps_fdata` (as `PPS_FETCH` leaves it).
 *
 * @throws {RangeError} "Cannot decode pps_fdata: …" when short or a nsec field is out of range.
 */
export function decodePpsFdata(bytes: Uint8Array): PpsInfo {
  return kinfo(need(bytes, PPS_FDATA_SIZE, "pps_fdata"), PPS_FDATA.info, "pps_fdata");
}

/**
 * Decodes the 40 bytes of a `struct pps_kparams`.
 *
 * @throws {RangeError} "Cannot decode pps_kparams: …" when short, the API version is not
 *   `PPS_API_VERS_1`, or an offset's nsec is out of range.
 */
export function decodePpsKparams(bytes: Uint8Array): PpsParams {
  const what = "pps_kparams";
  const v = need(bytes, PPS_KPARAMS_SIZE, what);
  const apiVersion = v.getInt32(PPS_KPARAMS.apiVersion, true);
  if (apiVersion !== PPS_API_VERS_1) {
    throw new RangeError(
      `Cannot decode ${what}: api_version ${apiVersion} is not ${PPS_API_VERS_1} (PPS_API_VERS_1)`,
    );
  }
  const a = ktime(v, PPS_KPARAMS.assertOffTu, what, "assert_off_tu");
  const c = ktime(v, PPS_KPARAMS.clearOffTu, what, "clear_off_tu");
  return {
    apiVersion,
    mode: v.getInt32(PPS_KPARAMS.mode, true),
    assertOffsetNs: a.sec * 1e9 + a.nsec,
    clearOffsetNs: c.sec * 1e9 + c.nsec,
  };
}

/**
 * Names of the set capability/mode bits, e.g. `0x1101` → `["CAPTUREASSERT", "CANWAIT",
 * "TSFMT_TSPEC"]`; bits without a name are listed as hex (`"0x4000"`).
 */
export function ppsModeNames(bits: number): string[] {
  const names: string[] = [];
  let known = 0;
  for (const [name, bit] of Object.entries(PPS_MODE)) {
    known |= bit;
    if ((bits & bit) !== 0) names.push(name);
  }
  const rest = bits & ~known;
  if (rest !== 0) names.push(`0x${(rest >>> 0).toString(16)}`);
  return names;
}
