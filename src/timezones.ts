/**
 * IANA time zone helpers on top of the ICU data built into Deno (`Intl`): name validation with
 * close-name suggestions, wall-clock fields and UTC offsets at an instant, DST, and the instant of
 * a wall-clock time in a zone. No clock reading here: every function takes the instant it needs.
 *
 * @module
 */
import type { Timestamp } from "./shm/decode.ts";

/** Wall-clock fields of an instant in a zone. */
export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** English day name, e.g. "Monday". */
  weekday: string;
  /** Local time − UTC, s. */
  offsetSeconds: number;
}

/** A wall-clock date and time without a zone (nanoseconds below the second). */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nsec: number;
}

/** What a `time` argument of `convert_time` denotes. */
export type TimeInput =
  | { kind: "clock"; hour: number; minute: number }
  | { kind: "local"; local: LocalDateTime }
  | { kind: "instant"; instant: Timestamp };

const formatters = new Map<string, Intl.DateTimeFormat>();
let names: readonly string[] | undefined;

/**
 * ICU (CLDR) keeps some zones under names IANA has since replaced (tzdata's `backward` file lists
 * the old names as links). `Intl` reports the old name — "Asia/Kolkata" resolves to
 * "Asia/Calcutta" — so the server maps them to the current IANA names.
 */
export const ICU_TO_IANA: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** Every zone name ICU knows, under its current IANA name, plus "UTC"; sorted. */
export function zoneNames(): readonly string[] {
  names ??= [...Intl.supportedValuesOf("timeZone").map((n) => ICU_TO_IANA[n] ?? n), "UTC"].sort();
  return names;
}

/** The machine's zone (TZ, else /etc/localtime), as ICU resolved it. */
export function localZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * The canonical IANA name of `name` (case-insensitive; aliases such as "US/Pacific" resolve to
 * their canonical zone, "Etc/UTC" and "GMT" to "UTC").
 *
 * @throws {RangeError} "Cannot use time zone …" naming close valid names when `name` is not one.
 */
export function resolveZone(name: string): string {
  const trimmed = name.trim();
  // ICU also accepts offsets ("+01:00"); they are not IANA names.
  if (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(trimmed)) {
    try {
      // Not formatter(): it caches, and ICU accepts any letter case, so caching the caller's
      // spelling would let hostile input grow the cache without bound (28 kB per entry).
      const icu =
        (formatters.get(trimmed) ?? new Intl.DateTimeFormat("en-US", { timeZone: trimmed }))
          .resolvedOptions().timeZone;
      return ICU_TO_IANA[icu] ?? icu;
    } catch {
      // not a zone: fall through to the suggestions
    }
  }
  throw new RangeError(unknownZoneMessage(name));
}

/** The error text for a name that is not a zone: what was wrong and the closest valid names. */
export function unknownZoneMessage(name: string): string {
  const close = suggestZones(name);
  const hint = close.length > 0 ? ` Close valid names: ${close.join(", ")}.` : "";
  const shown = name.length > MAX_SUGGEST_INPUT
    ? `${JSON.stringify(name.slice(0, MAX_SUGGEST_INPUT))}… (${name.length} characters)`
    : JSON.stringify(name);
  return `Cannot use time zone ${shown}: it is not an IANA time zone name (such as "Europe/Warsaw" or "UTC").${hint} Call list_timezones with a query to search all names.`;
}

/** Inputs longer than this get no suggestions and are shown cut (the longest zone name is 32). */
const MAX_SUGGEST_INPUT = 64;

/**
 * Up to `max` valid zone names closest to `input`: the same city first, then by edit distance
 * (case-insensitive, spaces as underscores) against the full name and the city part; only names
 * within one edit of the best match are kept.
 */
export function suggestZones(input: string, max = 5): string[] {
  const q = normalizeQuery(input);
  // The edit distance costs length × length per zone: a long input is no zone name anyway.
  if (q === "" || q.length > MAX_SUGGEST_INPUT) return [];
  const qCity = q.slice(q.lastIndexOf("/") + 1);
  const limit = Math.max(2, Math.floor(q.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of zoneNames()) {
    const n = name.toLowerCase();
    const city = n.slice(n.lastIndexOf("/") + 1);
    const score = city === qCity || n === q
      ? 0
      : Math.min(editDistance(q, n), editDistance(qCity, city) + (q.includes("/") ? 1 : 0));
    if (score <= limit) scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  const best = scored[0]?.score ?? 0;
  return scored.filter((s) => s.score <= best + 1).slice(0, max).map((s) => s.name);
}

/** Zone names containing `query` (case-insensitive; spaces match underscores); all without one. */
export function searchZones(query?: string): string[] {
  const q = normalizeQuery(query ?? "");
  return zoneNames().filter((n) => n.toLowerCase().includes(q));
}

function normalizeQuery(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, "_");
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "long",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Milliseconds since the epoch of a UTC date and time (years 0-99 are not shifted to 19xx). */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  date.setUTCFullYear(y);
  return date.getTime();
}

/**
 * The wall clock in `zone` at `epochSeconds` (a whole second).
 *
 * @throws {RangeError} for an unknown zone (call {@linkcode resolveZone} first).
 */
export function wallClock(zone: string, epochSeconds: number): WallClock {
  const parts = formatter(zone).formatToParts(epochSeconds * 1000);
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  let weekday = "", bc = false;
  for (const p of parts) {
    switch (p.type) {
      case "year":
        year = Number(p.value);
        break;
      case "month":
        month = Number(p.value);
        break;
      case "day":
        day = Number(p.value);
        break;
      case "hour":
        hour = Number(p.value);
        break;
      case "minute":
        minute = Number(p.value);
        break;
      case "second":
        second = Number(p.value);
        break;
      case "weekday":
        weekday = p.value;
        break;
      case "era":
        bc = p.value === "BC";
        break;
    }
  }
  if (bc) year = 1 - year;
  const offsetSeconds = utcMs(year, month, day, hour, minute, second) / 1000 - epochSeconds;
  return { year, month, day, hour, minute, second, weekday, offsetSeconds };
}

/** The UTC offset of `zone` at `epochSeconds`, s. */
export function offsetAt(zone: string, epochSeconds: number): number {
  return wallClock(zone, epochSeconds).offsetSeconds;
}

/**
 * Whether daylight saving time is in effect: the offset is above the zone's standard offset for
 * that year, taken as the smaller of its offsets on 1 January and 1 July (UTC). Zones without DST
 * are never in DST.
 */
export function isDst(zone: string, epochSeconds: number, offsetSeconds?: number): boolean {
  const off = offsetSeconds ?? offsetAt(zone, epochSeconds);
  const year = new Date(epochSeconds * 1000).getUTCFullYear();
  const jan = offsetAt(zone, utcMs(year, 1, 1, 0, 0, 0) / 1000);
  const jul = offsetAt(zone, utcMs(year, 7, 1, 0, 0, 0) / 1000);
  return off > Math.min(jan, jul);
}

/** An offset in seconds as `±HH:MM` (`±HH:MM:SS` when it has seconds). */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? "-" : "+";
  const a = Math.abs(offsetSeconds);
  const hm = `${pad2(Math.floor(a / 3600))}:${pad2(Math.floor(a / 60) % 60)}`;
  return a % 60 === 0 ? `${sign}${hm}` : `${sign}${hm}:${pad2(a % 60)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** ISO 8601 local date-time with offset, to the second, e.g. `2026-01-05T13:00:00+01:00`. */
export function isoLocal(w: WallClock): string {
  const y = w.year >= 0 && w.year <= 9999
    ? String(w.year).padStart(4, "0")
    : `${w.year < 0 ? "-" : "+"}${String(Math.abs(w.year)).padStart(6, "0")}`;
  return `${y}-${pad2(w.month)}-${pad2(w.day)}T${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}${
    formatOffset(w.offsetSeconds)
  }`;
}

/**
 * The instant of wall-clock time `local` in `zone`. A time that occurs twice (clocks turned back)
 * is the earlier instant, as Python's `fold=0`.
 *
 * @throws {RangeError} "Cannot convert time …" when the time does not exist there (clocks turned
 * forward over it).
 */
export function zonedInstant(zone: string, local: LocalDateTime): Timestamp {
  const wall = utcMs(local.year, local.month, local.day, local.hour, local.minute, local.second) /
    1000;
  const offsets = new Set([
    offsetAt(zone, wall - 86400),
    offsetAt(zone, wall),
    offsetAt(zone, wall + 86400),
  ]);
  let best: number | undefined;
  for (const o of offsets) {
    const t = wall - o;
    if (offsetAt(zone, t) === o && (best === undefined || t < best)) best = t;
  }
  if (best === undefined) {
    throw new RangeError(
      `Cannot convert time: ${
        localText(local)
      } does not exist in ${zone} (skipped by a clock change)`,
    );
  }
  return { sec: best, nsec: local.nsec };
}

function localText(l: LocalDateTime): string {
  return `${String(l.year).padStart(4, "0")}-${pad2(l.month)}-${pad2(l.day)} ${pad2(l.hour)}:${
    pad2(l.minute)
  }`;
}

const CLOCK_RE = /^(\d{1,2}):(\d{2})$/;
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * Parses a `convert_time` `time`: "HH:MM" (24-hour, today in the source zone), an ISO 8601 local
 * date-time ("2026-03-29T02:30", seconds and up to 9 fraction digits optional) in the source zone,
 * or an ISO 8601 instant with "Z" or an offset.
 *
 * @throws {RangeError} "Cannot parse time …" saying what was expected.
 */
export function parseTimeInput(text: string): TimeInput {
  const t = text.trim();
  const c = CLOCK_RE.exec(t);
  if (c !== null) {
    const hour = Number(c[1]), minute = Number(c[2]);
    if (hour <= 23 && minute <= 59) return { kind: "clock", hour, minute };
  }
  const m = ISO_RE.exec(t);
  if (m !== null) {
    const local: LocalDateTime = {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4]),
      minute: Number(m[5]),
      second: Number(m[6] ?? 0),
      nsec: Number((m[7] ?? "").padEnd(9, "0")),
    };
    if (
      local.month >= 1 && local.month <= 12 && local.day >= 1 &&
      local.day <= daysInMonth(local.year, local.month) &&
      local.hour <= 23 && local.minute <= 59 && local.second <= 59 &&
      (m[9] === undefined || (Number(m[10]) <= 23 && Number(m[11]) <= 59)) // offset ±23:59 at most
    ) {
      if (m[8] === undefined && m[9] === undefined) return { kind: "local", local };
      const off = m[8] !== undefined
        ? 0
        : (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11]) * 60);
      const wall = utcMs(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
      );
      return { kind: "instant", instant: { sec: wall / 1000 - off, nsec: local.nsec } };
    }
  }
  throw new RangeError(
    `Cannot parse time ${
      JSON.stringify(text)
    }: expected "HH:MM" (24-hour, e.g. "14:30"), an ISO 8601 local date-time (e.g. "2026-03-29T14:30" or "2026-03-29T14:30:05.25") or an ISO 8601 instant with Z or an offset (e.g. "2026-03-29T12:30:00Z", "2026-03-29T14:30+02:00")`,
  );
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!;
}

/**
 * The difference target − source in hours, formatted as the MCP reference time server does:
 * "+1.0h", "-5.0h", "+5.75h", "+0.5h".
 */
export function formatHoursDifference(seconds: number): string {
  const hours = seconds / 3600;
  const sign = hours < 0 ? "-" : "+";
  if (Number.isInteger(hours)) return `${sign}${Math.abs(hours).toFixed(1)}h`;
  return `${sign}${Math.abs(hours).toFixed(2).replace(/0+$/, "").replace(/\.$/, "")}h`;
}

/** An instant as seen in a zone (the MCP reference time server's `TimeResult`, plus the offset). */
export interface ZonedTime {
  /** The zone's canonical IANA name. */
  timezone: string;
  /** ISO 8601 local date-time with offset, to the second. */
  datetime: string;
  /** English day name. */
  day_of_week: string;
  /** Daylight saving time in effect (see {@linkcode isDst}). */
  is_dst: boolean;
  /** Local time − UTC as ±HH:MM. */
  utc_offset: string;
}

/** The instant `epochSeconds` (whole seconds) in `zone` (a resolved name). */
export function zonedTime(zone: string, epochSeconds: number): ZonedTime {
  const w = wallClock(zone, epochSeconds);
  return {
    timezone: zone,
    datetime: isoLocal(w),
    day_of_week: w.weekday,
    is_dst: isDst(zone, epochSeconds, w.offsetSeconds),
    utc_offset: formatOffset(w.offsetSeconds),
  };
}
