/**
 * Pure decoding of `struct timex` (208 bytes on 64-bit Linux) as `ntp_adjtime` returns it.
 * See `../shared/reference/README.md` §2.
 *
 * @module
 */

/** Size of `struct timex` on 64-bit Linux. */
export const TIMEX_SIZE = 208;

/** Offsets of the `struct timex` fields we read (i64 unless noted). */
export const TIMEX = {
  modes: 0, // u32
  offset: 8,
  freq: 16, // ppm × 2¹⁶
  maxerror: 24, // µs
  esterror: 32, // µs
  status: 40, // i32
  constant: 48,
  precision: 56, // µs
  tolerance: 64,
  timeSec: 72,
  timeFrac: 80,
  tick: 88,
  ppsfreq: 96,
  jitter: 104,
  shift: 112, // i32
  stabil: 120,
  jitcnt: 128,
  calcnt: 136,
  errcnt: 144,
  stbcnt: 152,
  tai: 160, // i32
} as const;

/** `status` bits, by name. */
export const STA = {
  PLL: 0x0001,
  PPSFREQ: 0x0002,
  PPSTIME: 0x0004,
  FLL: 0x0008,
  INS: 0x0010,
  DEL: 0x0020,
  UNSYNC: 0x0040,
  FREQHOLD: 0x0080,
  PPSSIGNAL: 0x0100,
  PPSJITTER: 0x0200,
  PPSWANDER: 0x0400,
  PPSERROR: 0x0800,
  CLOCKERR: 0x1000,
  NANO: 0x2000,
} as const;

/** A `status` bit name. */
export type StatusFlag = keyof typeof STA;

/** Names of `ntp_adjtime`'s return values (TIME_OK …). */
export const CLOCK_STATES = [
  "TIME_OK",
  "TIME_INS",
  "TIME_DEL",
  "TIME_OOP",
  "TIME_WAIT",
  "TIME_ERROR",
];

/** The kernel clock discipline as reported by `ntp_adjtime`. */
export interface KernelClock {
  /** Not `STA_UNSYNC` and the call did not return `TIME_ERROR`. */
  synchronized: boolean;
  /** `TIME_OK`, `TIME_INS`, … (or `UNKNOWN(n)`). */
  clockState: string;
  /** Raw `status`. */
  status: number;
  /** Names of the set `status` bits. */
  statusFlags: StatusFlag[];
  /** Current offset, ns (converted from µs when `STA_NANO` is clear). */
  offsetNs: number;
  /** Frequency offset, ppm. */
  frequencyPpm: number;
  /** Maximum error, µs. */
  maxErrorUs: number;
  /** Estimated error, µs. */
  estErrorUs: number;
  /** PLL time constant. */
  constant: number;
  /** Clock precision, µs. */
  precisionUs: number;
  /** TAI − UTC, s (0 when nothing set it). */
  taiOffsetS: number;
  /** Leap second armed in the kernel. */
  leap: "none" | "insert" | "delete";
  /** PPS jitter, ns. */
  ppsJitterNs: number;
  /** PPS frequency, ppm. */
  ppsFrequencyPpm: number;
}

function i64(v: DataView, at: number): number {
  return v.getInt32(at + 4, true) * 0x1_0000_0000 + v.getUint32(at, true);
}

/**
 * Decodes a `struct timex` and `ntp_adjtime`'s return value.
 *
 * @throws {RangeError} "Cannot decode timex: …" when fewer than 208 bytes are given.
 */
export function decodeTimex(state: number, bytes: Uint8Array): KernelClock {
  if (bytes.byteLength < TIMEX_SIZE) {
    throw new RangeError(
      `Cannot decode timex: ${bytes.byteLength} bytes given, ${TIMEX_SIZE} needed`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, TIMEX_SIZE);
  const status = v.getInt32(TIMEX.status, true);
  const nano = (status & STA.NANO) !== 0;
  const statusFlags = (Object.keys(STA) as StatusFlag[]).filter((k) => (status & STA[k]) !== 0);
  return {
    synchronized: (status & STA.UNSYNC) === 0 && state !== 5,
    clockState: CLOCK_STATES[state] ?? `UNKNOWN(${state})`,
    status,
    statusFlags,
    offsetNs: nano ? i64(v, TIMEX.offset) : i64(v, TIMEX.offset) * 1000,
    frequencyPpm: i64(v, TIMEX.freq) / 65536,
    maxErrorUs: i64(v, TIMEX.maxerror),
    estErrorUs: i64(v, TIMEX.esterror),
    constant: i64(v, TIMEX.constant),
    precisionUs: i64(v, TIMEX.precision),
    taiOffsetS: v.getInt32(TIMEX.tai, true),
    leap: (status & STA.INS) !== 0 ? "insert" : (status & STA.DEL) !== 0 ? "delete" : "none",
    ppsJitterNs: nano ? i64(v, TIMEX.jitter) : i64(v, TIMEX.jitter) * 1000,
    ppsFrequencyPpm: i64(v, TIMEX.ppsfreq) / 65536,
  };
}
