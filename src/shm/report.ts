/**
 * The per-unit report of the SHM monitor: state, segment facts, last sample, statistics, and —
 * for every state but `ok` — what it means and what to do. Pure: built from a unit's facts.
 *
 * @module
 */
import { offsetStats } from "../stats.ts";
import { diffNs, isoUtc, leapName, type Timestamp, unixNsString } from "./decode.ts";
import type { ShmUnit, UnitState } from "./unit.ts";

/** The last sample of a unit, as reported. */
export interface SampleReport {
  /** Reference (e.g. GPS) time, ISO 8601 UTC with ns. */
  reference_time: string;
  /** Reference time, integer ns since the epoch, as a string. */
  reference_unix_ns: string;
  /** System clock when the writer took the sample, ISO 8601 UTC with ns. */
  receive_time: string;
  /** Receive time, integer ns since the epoch, as a string. */
  receive_unix_ns: string;
  /** reference − receive, ns: how far the system clock was behind the reference. */
  offset_ns: number;
  /** Leap indicator: none | insert | delete | unsynchronized (or the raw number if out of range). */
  leap: string;
  /** Writer's precision, log2 seconds (−20 ≈ 1 µs). */
  precision: number;
  nsamples: number;
  /** Segment mode: 0 plain, 1 `count` protocol. */
  mode: number;
  count: number;
  /** True when the ns fields were consistent with the µs fields and used. */
  ns_precision: boolean;
  /** Now − receive time, ms. */
  age_ms: number;
}

/** Statistics over the unit's recent samples. */
export interface StatsReport {
  /** Distinct samples seen since the server started. */
  samples_seen: number;
  /** Samples the statistics below cover (at most the last 64). */
  window: number;
  mean_offset_ns: number | null;
  /** RMS of successive offset differences, ns (null with fewer than 2 samples). */
  jitter_ns: number | null;
  min_offset_ns: number | null;
  max_offset_ns: number | null;
  /** Torn copies (count changed during the copy) that were retried. */
  clashes: number;
  /** Reads given up after repeated torn copies. */
  clash_failures: number;
  /** Times the segment was attached (re-attaches follow removal and re-creation). */
  attaches: number;
}

/** One watched unit, as reported by `get_ntp_status`. */
export interface UnitReport {
  unit: number;
  /** SysV key, hex (e.g. "0x4e545030"). */
  key: string;
  state: UnitState;
  /** What the state means and, when something is wrong, what to do. */
  detail: string;
  /** Permission bits, octal (e.g. "0600"), or null when no segment. */
  permissions: string | null;
  owner_uid: number | null;
  owner_gid: number | null;
  size: number | null;
  attach_count: number | null;
  last_sample: SampleReport | null;
  stats: StatsReport;
}

/** How the report should be built. */
export interface ReportContext {
  /** CLOCK_REALTIME now. */
  now: Timestamp;
  /** A sample older than this (ms) is stale. */
  staleAfterMs: number;
  /** This process's uid (for permission advice). */
  uid: number;
}

/** Builds the report of one unit. */
export function unitReport(u: ShmUnit, ctx: ReportContext): UnitReport {
  const last = u.last;
  const ageMs = last === null ? null : diffNs(ctx.now, last.sample.receive) / 1e6;
  const state = unitState(u, ageMs, ctx.staleAfterMs);
  const st = offsetStats(u.offsets.toArray());
  return {
    unit: u.unit,
    key: `0x${u.key.toString(16)}`,
    state,
    detail: explain(u, state, ageMs, ctx),
    permissions: u.info === null ? null : `0${u.info.mode.toString(8).padStart(3, "0")}`,
    owner_uid: u.info?.uid ?? null,
    owner_gid: u.info?.gid ?? null,
    size: u.info?.size ?? null,
    attach_count: u.info?.nattch ?? null,
    last_sample: last === null ? null : {
      reference_time: isoUtc(last.sample.reference),
      reference_unix_ns: unixNsString(last.sample.reference),
      receive_time: isoUtc(last.sample.receive),
      receive_unix_ns: unixNsString(last.sample.receive),
      offset_ns: last.sample.offsetNs,
      leap: leapName(last.sample.leap) ?? String(last.sample.leap),
      precision: last.sample.precision,
      nsamples: last.sample.nsamples,
      mode: last.sample.mode,
      count: last.sample.count,
      ns_precision: last.sample.nsPrecision,
      age_ms: round3(ageMs!),
    },
    stats: {
      samples_seen: u.samplesSeen,
      window: st?.count ?? 0,
      mean_offset_ns: st === null ? null : round3(st.meanNs),
      jitter_ns: st?.jitterNs == null ? null : round3(st.jitterNs),
      min_offset_ns: st?.minNs ?? null,
      max_offset_ns: st?.maxNs ?? null,
      clashes: u.clashes,
      clash_failures: u.clashFailures,
      attaches: u.attaches,
    },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function unitState(u: ShmUnit, ageMs: number | null, staleAfterMs: number): UnitState {
  if (u.phase !== "attached") return u.phase;
  if (u.badMode !== null) return "bad_mode";
  if (ageMs === null) return "not_ready";
  return ageMs > staleAfterMs ? "stale" : "ok";
}

function explain(u: ShmUnit, state: UnitState, ageMs: number | null, ctx: ReportContext): string {
  const key = `0x${u.key.toString(16)}`;
  switch (state) {
    case "ok":
      return `Fresh samples: the last is ${(ageMs! / 1000).toFixed(3)} s old.`;
    case "stale":
      return `The last sample is ${(ageMs! / 1000).toFixed(1)} s old (limit ${
        ctx.staleAfterMs / 1000
      } s): the writer stopped writing. Check that gpsd (or the refclock driver) runs and its receiver has a fix.`;
    case "not_ready":
      return `Attached; no valid sample seen yet. The writer has not written (gpsd writes only with a GPS fix), or (mode 0 only: a mode-1 sample is recognised after a consumer took it) a consumer cleared each sample before the next poll.`;
    case "bad_mode":
      return `The segment's mode field is ${u.badMode}; only 0 and 1 are defined. Its writer does not speak the NTP SHM protocol.`;
    case "bad_size":
      return `The segment is ${u.info?.size} bytes, not 96: its writer uses another struct shmTime layout (a 32-bit writer without 64-bit time_t uses 80). Use a 64-bit writer, or remove the segment (ipcrm -M ${key}) so a 64-bit program re-creates it.`;
    case "no_segment":
      return `No segment has key ${key}: nothing created NTP SHM unit ${u.unit}. Start the writer (gpsd as root creates units 0-7) or a consumer configured for it (NTPsec: server 127.127.28.${u.unit}; chrony: refclock SHM ${u.unit}).`;
    case "permission_denied":
      return permissionAdvice(u, ctx.uid);
    case "error":
      return u.lastError?.message ?? "Unknown error.";
  }
}

function permissionAdvice(u: ShmUnit, uid: number): string {
  const i = u.info;
  const who = i === null
    ? "The segment"
    : `The segment is mode 0${i.mode.toString(8)} owned by uid ${i.uid} (gid ${i.gid})`;
  const group = i !== null && (i.mode & 0o040) !== 0
    ? ` add this user to group ${i.gid} (the segment is group-readable), or`
    : "";
  return `${who}; this process (uid ${uid}) may not attach it (${
    u.lastError?.message ?? "EACCES"
  }). Fix:${group} run the server as uid ${
    i?.uid ?? 0
  }, or use a world-readable unit (gpsd creates units 2-7 with mode 0666: point ntpd at 127.127.28.2 and run with --shm-units 2), or have the creator make it readable (chrony: refclock SHM ${u.unit}:perm=0644; NTPsec: unit 2 or above without the 'mode 1' word).`;
}
