/**
 * One watched NTP SHM unit: finds, attaches (read-only) and samples its segment, follows it when
 * it is removed, re-created or re-permissioned, and keeps a short history of the samples seen.
 *
 * @module
 */
import { SyscallError } from "../ffi/errno.ts";
import { ShmAttachment, shmLookup, shmStat, shmStatAny } from "../ffi/shm.ts";
import { Ring } from "../stats.ts";
import { type SegmentInfo, type ShmSample, toSample } from "./decode.ts";
import { SHM_TIME_SIZE, shmKey } from "./layout.ts";
import { readShm } from "./read.ts";

/** What a unit is doing now. */
export type UnitState =
  | "ok"
  | "stale"
  | "not_ready"
  | "bad_mode"
  | "bad_size"
  | "no_segment"
  | "permission_denied"
  | "error";

/** A sample together with when we first saw it. */
export interface SeenSample {
  sample: ShmSample;
  /** CLOCK_MONOTONIC ms when this sample was first read. */
  seenAtMs: number;
}

/** Samples kept per unit for statistics. */
export const HISTORY_SIZE = 64;

/** The state of one unit after the latest poll (the raw facts; see `status.ts` for the report). */
export class ShmUnit implements Disposable {
  readonly unit: number;
  readonly key: number;
  /** Segment metadata from the last poll (`null`: no segment, or it could not be stat'ed). */
  info: SegmentInfo | null = null;
  /** Segment id found for the key in the last poll. */
  id: number | null = null;
  /** Where the poll stopped. `ok`/`stale` are decided at report time from the last sample. */
  phase: "attached" | "no_segment" | "permission_denied" | "bad_size" | "error" = "no_segment";
  /** The error that set `phase` to `permission_denied` or `error`. */
  lastError: SyscallError | null = null;
  /** Mode of the last copy when it was neither 0 nor 1. */
  badMode: number | null = null;
  /** The newest sample ever seen (kept across re-attaches: it is still the last thing written). */
  last: SeenSample | null = null;
  /** Offsets (ns) of the last {@linkcode HISTORY_SIZE} samples. */
  readonly offsets = new Ring<number>(HISTORY_SIZE);
  /** Distinct samples seen since start. */
  samplesSeen = 0;
  /** Torn copies (mode 1, `count` changed during the copy) that were retried. */
  clashes = 0;
  /** Reads abandoned after too many torn copies in a row. */
  clashFailures = 0;
  /** Times a segment was attached (1 + re-attaches after removal, re-creation, re-permission). */
  attaches = 0;

  #att: ShmAttachment | null = null;
  #attachedCtime = 0;
  readonly #scratch = new Uint8Array(SHM_TIME_SIZE);

  constructor(unit: number) {
    this.unit = unit;
    this.key = shmKey(unit);
  }

  /** Whether a segment is attached now. */
  get attached(): boolean {
    return this.#att !== null;
  }

  /** One poll: follow the segment, read it once, record a new sample. */
  poll(nowMonoMs: number): void {
    try {
      this.#follow();
      if (this.#att !== null) this.#read(nowMonoMs);
    } catch (e) {
      if (!(e instanceof SyscallError)) throw e;
      this.#detach();
      this.lastError = e;
      this.phase = e.code === "EACCES" ? "permission_denied" : "error";
    }
  }

  #follow(): void {
    const what = `find NTP segment ${this.unit}`;
    let id: number;
    try {
      id = shmLookup(this.key, what);
    } catch (e) {
      if (e instanceof SyscallError && e.code === "ENOENT") {
        this.#gone();
        return;
      }
      throw e;
    }
    this.id = id;
    if (this.#att !== null && this.#att.id !== id) this.#detach(); // re-created under the key
    let info: SegmentInfo;
    try {
      info = shmStat(id, `stat NTP segment ${this.unit}`);
    } catch (e) {
      if (e instanceof SyscallError && (e.code === "EINVAL" || e.code === "EIDRM")) {
        this.#gone(); // removed between shmget and shmctl
        return;
      }
      if (e instanceof SyscallError && e.code === "EACCES") {
        // SHM_STAT_ANY still tells who owns it (Deno allows no read of /proc/sysvipc without -A)
        this.info = shmStatAny(id, `stat NTP segment ${this.unit} without read permission`);
      }
      throw e;
    }
    this.info = info;
    if (info.size !== SHM_TIME_SIZE) {
      this.#detach();
      this.phase = "bad_size";
      return;
    }
    if (this.#att !== null && info.ctime !== this.#attachedCtime) this.#detach(); // re-permissioned
    if (this.#att === null) {
      this.#att = ShmAttachment.attach(id, SHM_TIME_SIZE, `attach NTP segment ${this.unit}`);
      this.#attachedCtime = info.ctime;
      this.attaches++;
      this.info = shmStat(id, `stat NTP segment ${this.unit}`); // attach count including us
    }
    this.phase = "attached";
    this.lastError = null;
  }

  #read(nowMonoMs: number): void {
    const r = readShm(this.#att!, this.#scratch);
    this.clashes += r.clashes;
    if (r.status === "clash") {
      this.clashFailures++;
      return;
    }
    this.badMode = r.status === "bad_mode" ? r.raw.mode : null;
    if (r.status !== "ok" && r.status !== "consumed") return;
    const s = toSample(r.raw);
    const prev = this.last?.sample;
    if (
      prev !== undefined && prev.count === s.count &&
      prev.reference.sec === s.reference.sec && prev.reference.nsec === s.reference.nsec &&
      prev.receive.sec === s.receive.sec && prev.receive.nsec === s.receive.nsec
    ) return; // the same sample, still valid
    this.last = { sample: s, seenAtMs: nowMonoMs };
    this.offsets.push(s.offsetNs);
    this.samplesSeen++;
  }

  #gone(): void {
    this.#detach();
    this.id = null;
    this.info = null;
    this.phase = "no_segment";
    this.lastError = null;
  }

  #detach(): void {
    const att = this.#att;
    this.#att = null;
    att?.[Symbol.dispose]();
  }

  /** Detaches the segment, if attached. */
  [Symbol.dispose](): void {
    this.#detach();
  }
}
