/** Zone helpers (pure, on ICU data): tables of names, offsets, DST, parsing, formatting. */
import assert from "node:assert/strict";
import {
  formatHoursDifference,
  formatOffset,
  isDst,
  parseTimeInput,
  resolveZone,
  suggestZones,
  wallClock,
  zonedInstant,
  zoneNames,
} from "../src/timezones.ts";

const epoch = (iso: string) => Date.parse(iso) / 1000;

Deno.test("resolveZone: canonical current IANA names", () => {
  const table: [string, string][] = [
    ["Europe/Warsaw", "Europe/Warsaw"],
    ["europe/warsaw", "Europe/Warsaw"],
    [" UTC ", "UTC"],
    ["Etc/UTC", "UTC"],
    ["Asia/Kolkata", "Asia/Kolkata"],
    ["Asia/Calcutta", "Asia/Kolkata"],
    ["Europe/Kyiv", "Europe/Kyiv"],
    ["US/Pacific", "America/Los_Angeles"],
  ];
  for (const [input, want] of table) assert.equal(resolveZone(input), want, input);
  for (const bad of ["", "+01:00", "Mars/Olympus", "Europe/Warsaw\u0000"]) {
    assert.throws(() => resolveZone(bad), RangeError, JSON.stringify(bad));
  }
  assert.ok(zoneNames().includes("Asia/Kolkata") && !zoneNames().includes("Asia/Calcutta"));
  assert.ok(
    zoneNames().every((n) => resolveZone(n) === n || n === "UTC"),
    "names resolve to themselves",
  );
});

Deno.test("suggestZones: close names only", () => {
  assert.deepEqual(suggestZones("Europe/Warsw"), ["Europe/Warsaw"]);
  assert.deepEqual(suggestZones("new york"), ["America/New_York"]);
  assert.deepEqual(suggestZones("Tokio"), ["Asia/Tokyo"]);
  assert.deepEqual(suggestZones(""), []);
});

Deno.test("wallClock, offsets, DST", () => {
  const t = epoch("2026-07-01T12:00:00Z");
  assert.deepEqual(wallClock("America/New_York", t), {
    year: 2026,
    month: 7,
    day: 1,
    hour: 8,
    minute: 0,
    second: 0,
    weekday: "Wednesday",
    offsetSeconds: -4 * 3600,
  });
  const table: [string, string, string, boolean][] = [
    ["Europe/Warsaw", "2026-01-15T00:00:00Z", "+01:00", false],
    ["Europe/Warsaw", "2026-07-15T00:00:00Z", "+02:00", true],
    ["Australia/Sydney", "2026-01-15T00:00:00Z", "+11:00", true],
    ["Australia/Sydney", "2026-07-15T00:00:00Z", "+10:00", false],
    ["Asia/Kathmandu", "2026-07-15T00:00:00Z", "+05:45", false],
    ["America/St_Johns", "2026-01-15T00:00:00Z", "-03:30", false],
    ["UTC", "2026-07-15T00:00:00Z", "+00:00", false],
  ];
  for (const [zone, iso, off, dst] of table) {
    const w = wallClock(zone, epoch(iso));
    assert.deepEqual([formatOffset(w.offsetSeconds), isDst(zone, epoch(iso))], [off, dst], zone);
  }
  assert.equal(formatOffset(-(44 * 60 + 30)), "-00:44:30");
});

Deno.test("zonedInstant: plain, gap, fold", () => {
  const local = { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0, nsec: 5 };
  assert.throws(
    () => zonedInstant("Europe/Warsaw", local),
    new RangeError(
      "Cannot convert time: 2026-03-29 02:30 does not exist in Europe/Warsaw (skipped by a clock change)",
    ),
  );
  assert.deepEqual(zonedInstant("Europe/Warsaw", { ...local, hour: 3 }), {
    sec: epoch("2026-03-29T01:00:00Z") + 30 * 60,
    nsec: 5,
  });
  assert.deepEqual(zonedInstant("Europe/Warsaw", { ...local, month: 10, day: 25 }), {
    sec: epoch("2026-10-25T00:30:00Z"),
    nsec: 5,
  });
});

Deno.test("parseTimeInput: table", () => {
  assert.deepEqual(parseTimeInput("9:05"), { kind: "clock", hour: 9, minute: 5 });
  assert.deepEqual(parseTimeInput("23:59"), { kind: "clock", hour: 23, minute: 59 });
  assert.deepEqual(parseTimeInput("2026-03-29T14:30:05.25"), {
    kind: "local",
    local: { year: 2026, month: 3, day: 29, hour: 14, minute: 30, second: 5, nsec: 250_000_000 },
  });
  assert.deepEqual(parseTimeInput("2024-02-29 00:00Z"), {
    kind: "instant",
    instant: { sec: epoch("2024-02-29T00:00:00Z"), nsec: 0 },
  });
  assert.deepEqual(parseTimeInput("2026-03-29T14:30:00.000000001+02:00"), {
    kind: "instant",
    instant: { sec: epoch("2026-03-29T12:30:00Z"), nsec: 1 },
  });
  assert.deepEqual(parseTimeInput("2026-03-29T14:30-0330").kind, "instant");
  for (
    const bad of [
      "24:00",
      "12:60",
      "1230",
      "2025-02-29T00:00",
      "2026-04-31T00:00",
      "2026-01-01T23:59:60Z",
      "2026-01-01T10:00+2",
    ]
  ) {
    assert.throws(() => parseTimeInput(bad), RangeError, bad);
  }
});

Deno.test("formatHoursDifference: as the reference server", () => {
  const table: [number, string][] = [
    [3600, "+1.0h"],
    [-5 * 3600, "-5.0h"],
    [0, "+0.0h"],
    [5.75 * 3600, "+5.75h"],
    [-9.5 * 3600, "-9.5h"],
  ];
  for (const [s, want] of table) assert.equal(formatHoursDifference(s), want);
});
