/**
 * The pulse train as the sampler saw it (pure): each new assert event, the intervals between
 * consecutive pulses, the edge's offset from the system's whole second, and what is missing.
 *
 * @module
 */
import { diffNs } from "../shm/decode.ts";
import { Ring } from "../stats.ts";
import type { PpsEvent } from "./decode.ts";

/** Pulses kept for statistics (about a minute at 1 Hz). */
export const PULSE_HISTORY_SIZE = 64;

const NS_PER_S = 1_000_000_000;

/**
 * Offset of an edge from the nearest whole second of the system clock, ns, in
 * [−0.5 s, +0.5 s): positive when the edge came after the system's second began.
 */
export function edgeOffsetNs(t: { nsec: number }): number {
  return t.nsec < NS_PER_S / 2 ? t.nsec : t.nsec - NS_PER_S;
}

/** Whether an event is the kernel's "nothing yet" (time 0: no edge since the source appeared). */
export function isEmptyEvent(e: PpsEvent): boolean {
  return e.time.sec === 0 && e.time.nsec === 0;
}

/** Distinct assert events seen, with the statistics the report needs. */
export class PulseHistory {
  /** The newest event recorded. */
  last: PpsEvent | null = null;
  /** Distinct assert events recorded. */
  pulsesSeen = 0;
  /** Whole seconds that passed without an assert (intervals ≫ 1 s beyond what sequences explain). */
  missedPulses = 0;
  /** Asserts the kernel counted between two recorded ones that the sampler never read. */
  sequenceGaps = 0;
  /** Times the sequence went backwards or the time did not advance (the source was re-created). */
  restarts = 0;
  /** Intervals between consecutive pulses (sequence + 1), ns. */
  readonly intervals = new Ring<number>(PULSE_HISTORY_SIZE);
  /** Edge offsets from the system's whole second, ns ({@linkcode edgeOffsetNs}). */
  readonly edgeOffsets = new Ring<number>(PULSE_HISTORY_SIZE);

  /** Records `e` when it is a new assert; returns whether it was. */
  record(e: PpsEvent): boolean {
    if (isEmptyEvent(e)) return false;
    const prev = this.last;
    if (
      prev !== null && prev.sequence === e.sequence && prev.time.sec === e.time.sec &&
      prev.time.nsec === e.time.nsec
    ) return false;
    if (prev !== null) {
      const dSeq = (e.sequence - prev.sequence) >>> 0;
      const dtNs = diffNs(e.time, prev.time);
      if (dSeq === 0 || dSeq >= 0x8000_0000 || dtNs <= 0) {
        this.restarts++;
      } else {
        this.sequenceGaps += dSeq - 1;
        this.missedPulses += Math.max(0, Math.round(dtNs / NS_PER_S) - dSeq);
        if (dSeq === 1) this.intervals.push(dtNs);
      }
    }
    this.last = { sequence: e.sequence, time: { ...e.time } };
    this.edgeOffsets.push(edgeOffsetNs(e.time));
    this.pulsesSeen++;
    return true;
  }
}
