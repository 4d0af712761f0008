/**
 * The Linux RFC 2783 PPS ABI: ioctl numbers, struct sizes and offsets, mode bits. The same on
 * x86_64 and aarch64 (measured with `../shared/pps-rig/ppsabi.c`; see
 * `../shared/reference/README.md` §3). `tests/pps_layout_test.ts` compiles that program and
 * compares.
 *
 * @module
 */

/** `ioctl` request numbers (`_IOR/_IOW/_IOWR('p', 0xa1…)`, sized by a pointer). */
export const PPS_IOCTL = {
  /** `PPS_GETPARAMS`: fills a `struct pps_kparams`. */
  GETPARAMS: 0x800870a1n,
  /** `PPS_GETCAP`: fills an `int` of capability bits. */
  GETCAP: 0x800870a3n,
  /** `PPS_FETCH`: reads `timeout` of a `struct pps_fdata`, fills its `info`. */
  FETCH: 0xc00870a4n,
} as const;

/** Size of `struct pps_ktime` (sec i64, nsec i32, flags u32). */
export const PPS_KTIME_SIZE = 16;
/** Offsets inside `struct pps_ktime`. */
export const PPS_KTIME = { sec: 0, nsec: 8, flags: 12 } as const;

/** Size of `struct pps_kinfo`. */
export const PPS_KINFO_SIZE = 48;
/** Offsets inside `struct pps_kinfo`. */
export const PPS_KINFO = {
  assertSequence: 0, // u32
  clearSequence: 4, // u32
  assertTu: 8, // pps_ktime
  clearTu: 24, // pps_ktime
  currentMode: 40, // i32
} as const;

/** Size of `struct pps_fdata`. */
export const PPS_FDATA_SIZE = 64;
/** Offsets inside `struct pps_fdata`. */
export const PPS_FDATA = { info: 0, timeout: 48 } as const;

/** Size of `struct pps_kparams`. */
export const PPS_KPARAMS_SIZE = 40;
/** Offsets inside `struct pps_kparams`. */
export const PPS_KPARAMS = {
  apiVersion: 0, // i32
  mode: 4, // i32
  assertOffTu: 8, // pps_ktime
  clearOffTu: 24, // pps_ktime
} as const;

/** `PPS_API_VERS_1`: the only API version Linux speaks. */
export const PPS_API_VERS_1 = 1;

/** `pps_ktime.flags` of a timeout: wait forever. */
export const PPS_TIME_INVALID = 0x1;

/** Capability and mode bits (`PPS_CAPTUREASSERT` …), by name without the `PPS_` prefix. */
export const PPS_MODE = {
  CAPTUREASSERT: 0x01,
  CAPTURECLEAR: 0x02,
  OFFSETASSERT: 0x10,
  OFFSETCLEAR: 0x20,
  ECHOASSERT: 0x40,
  ECHOCLEAR: 0x80,
  CANWAIT: 0x100,
  CANPOLL: 0x200,
  TSFMT_TSPEC: 0x1000,
  TSFMT_NTPFP: 0x2000,
} as const;
