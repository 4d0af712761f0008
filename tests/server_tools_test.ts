/**
 * The MCP server in process: a real SDK Client over the in-memory transport pair, against a real
 * SHM segment written by the test (unit 40; unit 41 has none), PPS disabled, the real kernel state
 * (read here with readKernelClock and compared) and the real clock.
 */
import assert from "node:assert/strict";
import { clockGettime } from "../src/ffi/clock.ts";
import { readKernelClock } from "../src/kernel/read.ts";
import type { KernelClock } from "../src/kernel/timex.ts";
import type { CallToolResult } from "../src/sdk.ts";
import { localZone, zoneNames } from "../src/timezones.ts";
import { connectPair, type Pair, TOOL_NAMES } from "./support/mcp_pair.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";
import { waitFor } from "./support/wait.ts";

const FRESH_UNIT = 40;
const EMPTY_UNIT = 41;
const OFFSET_NS = 1_234_567;

/** ISO 8601 UTC with 9 digits, computed independently of src/. */
function iso9(unixNs: bigint): string {
  const sec = unixNs / 1_000_000_000n;
  const ns = unixNs % 1_000_000_000n;
  return new Date(Number(sec) * 1000).toISOString().replace(
    /\.\d{3}Z$/,
    `.${String(ns).padStart(9, "0")}Z`,
  );
}

function nowNs(): bigint {
  const t = clockGettime();
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);
}

async function call(pair: Pair, name: string, args: Record<string, unknown> = {}) {
  return await pair.client.callTool({ name, arguments: args }) as CallToolResult;
}

function text(r: CallToolResult): string {
  const c = r.content[0];
  assert.ok(c !== undefined && c.type === "text");
  return c.text;
}

/** The kernel fields as the server names them, from a KernelClock read by the test. */
function kernelExpected(k: KernelClock) {
  return {
    synchronized: k.synchronized,
    clock_state: k.clockState,
    status: `0x${k.status.toString(16).padStart(4, "0")}`,
    status_flags: k.statusFlags,
    offset_ns: k.offsetNs,
    frequency_ppm: k.frequencyPpm,
    max_error_us: k.maxErrorUs,
    est_error_us: k.estErrorUs,
    time_constant: k.constant,
    precision_us: k.precisionUs,
    tai_offset_s: k.taiOffsetS,
    leap: k.leap,
  };
}

/**
 * Asserts `got` equals the kernel state read just before; fields a running daemon moves between
 * two reads (errors grow, offset and frequency slew) must lie between the before and after reads.
 */
function assertKernel(got: Record<string, unknown>, before: KernelClock, after: KernelClock) {
  const b = kernelExpected(before), a = kernelExpected(after);
  for (const f of ["max_error_us", "est_error_us", "offset_ns", "frequency_ppm"] as const) {
    const v = got[f] as number;
    assert.ok(
      v >= Math.min(b[f], a[f]) && v <= Math.max(b[f], a[f]),
      `${f} ${v} not within [${b[f]}, ${a[f]}]`,
    );
  }
  assert.deepEqual(
    { ...got, max_error_us: 0, est_error_us: 0, offset_ns: 0, frequency_ppm: 0 },
    { ...b, max_error_us: 0, est_error_us: 0, offset_ns: 0, frequency_ppm: 0 },
  );
}

async function withServer(fn: (pair: Pair, seg: TestSegment, refNs: bigint) => Promise<void>) {
  removeUnit(FRESH_UNIT);
  removeUnit(EMPTY_UNIT);
  using seg = TestSegment.create(FRESH_UNIT, 0o600);
  const recv = clockGettime();
  const refNs = BigInt(recv.sec) * 1_000_000_000n + BigInt(recv.nsec) + BigInt(OFFSET_NS);
  seg.write({
    clockSec: Number(refNs / 1_000_000_000n),
    clockNsec: Number(refNs % 1_000_000_000n),
    receiveSec: recv.sec,
    receiveNsec: recv.nsec,
  });
  await using pair = await connectPair({
    units: [FRESH_UNIT, EMPTY_UNIT],
    staleAfterMs: 60_000,
    localZone: "Europe/Warsaw",
  });
  await waitFor("unit 40 to be read", () => pair.shm.report()[0]!.state === "ok");
  await fn(pair, seg, refNs);
}

Deno.test("tools/list: names, annotations, schemas", async () => {
  await withServer(async (pair) => {
    const { tools } = await pair.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOL_NAMES);
    for (const t of tools) {
      assert.equal(t.annotations?.readOnlyHint, true, t.name);
      assert.equal(t.annotations?.openWorldHint, false, t.name);
      assert.equal(t.inputSchema.type, "object", t.name);
      assert.equal(t.outputSchema?.type, "object", t.name);
      assert.ok((t.description ?? "").length > 80, `${t.name} has a description for a model`);
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    assert.deepEqual(byName.get_utc_time!.inputSchema.properties ?? {}, {});
    assert.deepEqual(Object.keys(byName.get_utc_time!.outputSchema!.properties!).sort(), [
      "clock_state",
      "est_error_us",
      "leap",
      "max_error_us",
      "note",
      "source",
      "synchronized",
      "tai_offset_s",
      "unix_ns",
      "unix_seconds",
      "utc",
    ]);
    assert.deepEqual(Object.keys(byName.get_ntp_status!.outputSchema!.properties!).sort(), [
      "hardware_clock",
      "kernel",
      "kernel_error",
      "pps",
      "pps_enabled",
      "shm",
      "shm_interface",
      "shm_valid",
      "source",
      "synchronized",
    ]);
    assert.deepEqual(Object.keys(byName.get_current_time!.inputSchema.properties!), ["timezone"]);
    assert.equal(byName.get_current_time!.inputSchema.required, undefined);
    assert.deepEqual(byName.convert_time!.inputSchema.required, [
      "source_timezone",
      "time",
      "target_timezone",
    ]);
    assert.deepEqual(Object.keys(byName.list_timezones!.inputSchema.properties!), ["query"]);
    for (const t of tools) {
      for (const [k, p] of Object.entries(t.inputSchema.properties ?? {})) {
        assert.ok(
          typeof (p as { description?: string }).description === "string",
          `${t.name}.${k}`,
        );
      }
    }
  });
});

Deno.test("get_utc_time: clock_gettime time, kernel bounds and source", async () => {
  await withServer(async (pair) => {
    const k0 = readKernelClock();
    const t0 = nowNs();
    const r = await call(pair, "get_utc_time");
    const t1 = nowNs();
    const k1 = readKernelClock();
    assert.equal(r.isError, undefined);
    const s = r.structuredContent as Record<string, unknown>;
    assert.deepEqual(JSON.parse(text(r)), s);
    const ns = BigInt(s.unix_ns as string);
    assert.match(s.unix_ns as string, /^\d{19}$/);
    assert.ok(t0 <= ns && ns <= t1, `${ns} within [${t0}, ${t1}]`);
    assert.equal(s.utc, iso9(ns));
    assert.ok(Math.abs((s.unix_seconds as number) - Number(ns) / 1e9) < 1e-6);
    const kernel = kernelExpected(k0);
    // Unit 40 is fresh and PPS is off: the source is the SHM unit when the kernel is synchronized.
    const source = k0.synchronized ? `SHM(${FRESH_UNIT}) GPS` : "unsynchronized";
    const note = k0.synchronized
      ? `Synchronized via ${source}: the kernel bounds the clock error at ±${s.max_error_us} µs (estimated ${s.est_error_us} µs).`
      : `NOT synchronized: the kernel reports clock state ${k0.clockState}${
        k0.statusFlags.includes("UNSYNC") ? " with STA_UNSYNC set" : ""
      }; no time source disciplines this clock. max_error_us and est_error_us are the kernel's own numbers (it caps them at 16 s) and bound nothing. Start or fix the time daemon (chronyd, ntpd) and its sources.`;
    assertKernel(
      { ...kernel, max_error_us: s.max_error_us, est_error_us: s.est_error_us },
      k0,
      k1,
    );
    assert.deepEqual(s, {
      utc: s.utc,
      unix_ns: s.unix_ns,
      unix_seconds: s.unix_seconds,
      source,
      synchronized: k0.synchronized,
      clock_state: k0.clockState,
      max_error_us: s.max_error_us,
      est_error_us: s.est_error_us,
      leap: k0.leap,
      tai_offset_s: k0.taiOffsetS,
      note,
    });
    console.error(
      `kernel: ${k0.clockState} synchronized=${k0.synchronized} max_error_us=${k0.maxErrorUs}`,
    );
  });
});

Deno.test("get_ntp_status: the written segment, an absent unit, PPS off, the kernel", async () => {
  await withServer(async (pair, seg, refNs) => {
    const k0 = readKernelClock();
    const r = await call(pair, "get_ntp_status");
    const k1 = readKernelClock();
    assert.equal(r.isError, undefined);
    // deno-lint-ignore no-explicit-any
    const s = r.structuredContent as Record<string, any>;
    assert.deepEqual(JSON.parse(text(r)), s);
    const recvNs = refNs - BigInt(OFFSET_NS);
    const [u40, u41] = s.shm;
    assert.match(u40.detail, /^Fresh samples: the last is \d+\.\d{3} s old\.$/);
    assert.ok(u40.last_sample.age_ms >= 0 && u40.last_sample.age_ms < 60_000);
    assert.deepEqual(u40, {
      unit: 40,
      key: "0x4e545058",
      state: "ok",
      detail: u40.detail,
      permissions: "0600",
      owner_uid: Deno.uid(),
      owner_gid: Deno.gid(),
      size: 96,
      attach_count: 2, // the writer and the monitor
      last_sample: {
        reference_time: iso9(refNs),
        reference_unix_ns: String(refNs),
        receive_time: iso9(recvNs),
        receive_unix_ns: String(recvNs),
        offset_ns: OFFSET_NS,
        leap: "none",
        precision: -20,
        nsamples: 3,
        mode: 1,
        count: 2,
        ns_precision: true,
        age_ms: u40.last_sample.age_ms,
      },
      stats: {
        samples_seen: 1,
        window: 1,
        mean_offset_ns: OFFSET_NS,
        jitter_ns: null,
        min_offset_ns: OFFSET_NS,
        max_offset_ns: OFFSET_NS,
        clashes: 0,
        clash_failures: 0,
        attaches: 1,
      },
    });
    assert.deepEqual(u41, {
      unit: 41,
      key: "0x4e545059",
      state: "no_segment",
      detail:
        "No segment has key 0x4e545059: nothing created NTP SHM unit 41. Start the writer (gpsd as root creates units 0-7) or a consumer configured for it (NTPsec: server 127.127.28.41; chrony: refclock SHM 41).",
      permissions: null,
      owner_uid: null,
      owner_gid: null,
      size: null,
      attach_count: null,
      last_sample: null,
      stats: {
        samples_seen: 0,
        window: 0,
        mean_offset_ns: null,
        jitter_ns: null,
        min_offset_ns: null,
        max_offset_ns: null,
        clashes: 0,
        clash_failures: 0,
        attaches: 0,
      },
    });
    assert.equal(s.pps.state, "disabled");
    assert.equal(s.pps.device, null);
    assert.equal(s.pps.source, null);
    assert.equal(
      s.pps.detail,
      "PPS is disabled (--pps-device none). Use --pps-device auto or a path such as /dev/pps0 to read it.",
    );
    assertKernel(s.kernel, k0, k1);
    assert.deepEqual({ ...s, shm: null, pps: null, kernel: null }, {
      source: k0.synchronized ? "SHM(40) GPS" : "unsynchronized",
      synchronized: k0.synchronized,
      shm_interface: "connected",
      shm_valid: true,
      pps_enabled: false,
      hardware_clock: "GPS via SHM(40)",
      shm: null,
      pps: null,
      kernel: null,
      kernel_error: null,
    });
    seg.remove(); // removed but still attached by us and the monitor: detached on dispose
  });
});

Deno.test("get_current_time: zones, default zone, DST flag, ns instant", async () => {
  await withServer(async (pair) => {
    const cases: [string | undefined, string, number][] = [
      ["UTC", "UTC", 0],
      ["Asia/Kathmandu", "Asia/Kathmandu", 5 * 3600 + 45 * 60],
      ["asia/kolkata", "Asia/Kolkata", 5 * 3600 + 30 * 60],
      [undefined, "Europe/Warsaw", NaN], // the configured local zone
    ];
    for (const [arg, zone, fixed] of cases) {
      const t0 = nowNs();
      const r = await call(pair, "get_current_time", arg === undefined ? {} : { timezone: arg });
      const t1 = nowNs();
      assert.equal(r.isError, undefined, text(r));
      const s = r.structuredContent as Record<string, string | boolean>;
      const ns = BigInt(s.unix_ns as string);
      assert.ok(t0 <= ns && ns <= t1);
      assert.equal(s.utc, iso9(ns));
      const off = Number.isNaN(fixed) ? (s.is_dst ? 7200 : 3600) : fixed; // Warsaw: CET/CEST
      const sign = off < 0 ? "-" : "+";
      const hh = String(Math.floor(Math.abs(off) / 3600)).padStart(2, "0");
      const mm = String((Math.abs(off) / 60) % 60).padStart(2, "0");
      const local = new Date((Number(ns / 1_000_000_000n) + off) * 1000);
      assert.deepEqual(s, {
        timezone: zone,
        datetime: `${local.toISOString().slice(0, 19)}${sign}${hh}:${mm}`,
        day_of_week: local.toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" }),
        is_dst: s.is_dst,
        utc_offset: `${sign}${hh}:${mm}`,
        utc: s.utc,
        unix_ns: s.unix_ns,
      });
      if (!Number.isNaN(fixed)) assert.equal(s.is_dst, false);
    }
  });
});

Deno.test("get_current_time: the machine's zone when none is configured", async () => {
  removeUnit(EMPTY_UNIT);
  await using pair = await connectPair({ units: [EMPTY_UNIT] });
  const r = await call(pair, "get_current_time");
  assert.equal((r.structuredContent as { timezone: string }).timezone, localZone());
});

Deno.test("convert_time: HH:MM, ISO local and instant, DST gap and fold, ns", async () => {
  await withServer(async (pair) => {
    const ok = async (args: Record<string, string>) => {
      const r = await call(pair, "convert_time", args);
      assert.equal(r.isError, undefined, text(r));
      assert.deepEqual(JSON.parse(text(r)), r.structuredContent);
      return r.structuredContent as Record<string, unknown>;
    };
    assert.deepEqual(
      await ok({
        source_timezone: "UTC",
        time: "2026-07-01T12:00:00.123456789Z",
        target_timezone: "Asia/Kathmandu",
      }),
      {
        source: {
          timezone: "UTC",
          datetime: "2026-07-01T12:00:00+00:00",
          day_of_week: "Wednesday",
          is_dst: false,
          utc_offset: "+00:00",
        },
        target: {
          timezone: "Asia/Kathmandu",
          datetime: "2026-07-01T17:45:00+05:45",
          day_of_week: "Wednesday",
          is_dst: false,
          utc_offset: "+05:45",
        },
        time_difference: "+5.75h",
        utc: "2026-07-01T12:00:00.123456789Z",
        unix_ns: "1782907200123456789",
      },
    );
    // Local time in the source zone, summer: Warsaw is CEST (+02:00), New York EDT (-04:00).
    assert.deepEqual(
      await ok({
        source_timezone: "Europe/Warsaw",
        time: "2026-07-01T14:30",
        target_timezone: "America/New_York",
      }),
      {
        source: {
          timezone: "Europe/Warsaw",
          datetime: "2026-07-01T14:30:00+02:00",
          day_of_week: "Wednesday",
          is_dst: true,
          utc_offset: "+02:00",
        },
        target: {
          timezone: "America/New_York",
          datetime: "2026-07-01T08:30:00-04:00",
          day_of_week: "Wednesday",
          is_dst: true,
          utc_offset: "-04:00",
        },
        time_difference: "-6.0h",
        utc: "2026-07-01T12:30:00.000000000Z",
        unix_ns: "1782909000000000000",
      },
    );
    // 02:30 on 25 Oct 2026 happens twice in Warsaw: the first (CEST) is taken.
    const fold = await ok({
      source_timezone: "Europe/Warsaw",
      time: "2026-10-25T02:30",
      target_timezone: "UTC",
    });
    assert.equal(fold.utc, "2026-10-25T00:30:00.000000000Z");
    // HH:MM is today in the source zone (the reference server's meaning).
    const hm = await ok({ source_timezone: "Asia/Tokyo", time: "09:05", target_timezone: "UTC" });
    const today = new Date((Math.floor(Date.now() / 1000) + 9 * 3600) * 1000).toISOString();
    assert.equal(
      (hm.source as { datetime: string }).datetime,
      `${today.slice(0, 10)}T09:05:00+09:00`,
    );
    assert.equal(hm.time_difference, "-9.0h");
  });
});

Deno.test("bad input: isError results with what was wrong and close names", async () => {
  await withServer(async (pair) => {
    const err = async (name: string, args: Record<string, unknown>) => {
      const r = await call(pair, name, args);
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} should fail`);
      assert.equal(r.structuredContent, undefined);
      return text(r);
    };
    assert.equal(
      await err("get_current_time", { timezone: "Europe/Warsw" }),
      'Cannot use time zone "Europe/Warsw": it is not an IANA time zone name (such as "Europe/Warsaw" or "UTC"). Close valid names: Europe/Warsaw. Call list_timezones with a query to search all names.',
    );
    assert.equal(
      await err("get_current_time", { timezone: "Kolkata" }),
      'Cannot use time zone "Kolkata": it is not an IANA time zone name (such as "Europe/Warsaw" or "UTC"). Close valid names: Asia/Kolkata. Call list_timezones with a query to search all names.',
    );
    assert.equal(
      await err("get_current_time", { timezone: "+01:00" }),
      'Cannot use time zone "+01:00": it is not an IANA time zone name (such as "Europe/Warsaw" or "UTC"). Call list_timezones with a query to search all names.',
    );
    assert.equal(
      await err("convert_time", {
        source_timezone: "America/New_Yrok",
        time: "12:00",
        target_timezone: "UTC",
      }),
      'Cannot use time zone "America/New_Yrok": it is not an IANA time zone name (such as "Europe/Warsaw" or "UTC"). Close valid names: America/New_York. Call list_timezones with a query to search all names.',
    );
    const badTime =
      'expected "HH:MM" (24-hour, e.g. "14:30"), an ISO 8601 local date-time (e.g. "2026-03-29T14:30" or "2026-03-29T14:30:05.25") or an ISO 8601 instant with Z or an offset (e.g. "2026-03-29T12:30:00Z", "2026-03-29T14:30+02:00")';
    for (const time of ["25:00", "12:60", "noon", "2026-02-30T10:00", "2026-13-01T00:00Z"]) {
      assert.equal(
        await err("convert_time", { source_timezone: "UTC", time, target_timezone: "UTC" }),
        `Cannot parse time ${JSON.stringify(time)}: ${badTime}`,
      );
    }
    assert.equal(
      await err("convert_time", {
        source_timezone: "Europe/Warsaw",
        time: "2026-03-29T02:30",
        target_timezone: "UTC",
      }),
      "Cannot convert time: 2026-03-29 02:30 does not exist in Europe/Warsaw (skipped by a clock change)",
    );
    const missing = await err("convert_time", { source_timezone: "UTC", time: "12:00" });
    // The SDK validates arguments against the input schema and answers with an isError result.
    assert.equal(
      missing,
      "MCP error -32602: Input validation error: Invalid arguments for tool convert_time: Invalid input: expected string, received undefined at target_timezone",
    );
    const wrongType = await err("get_current_time", { timezone: 5 });
    assert.match(
      wrongType,
      /Input validation error: .*expected string, received number at timezone/,
    );
  });
});

Deno.test("list_timezones: filter, offsets, all names", async () => {
  await withServer(async (pair) => {
    const list = async (args: Record<string, string>) => {
      const r = await call(pair, "list_timezones", args);
      assert.equal(r.isError, undefined);
      return r.structuredContent as {
        query: string | null;
        count: number;
        timezones: { name: string; utc_offset: string; is_dst: boolean }[];
      };
    };
    assert.deepEqual(await list({ query: "kolkata" }), {
      query: "kolkata",
      count: 1,
      timezones: [{ name: "Asia/Kolkata", utc_offset: "+05:30", is_dst: false }],
    });
    assert.deepEqual(await list({ query: "no such place" }), {
      query: "no such place",
      count: 0,
      timezones: [],
    });
    const york = await list({ query: "new york" });
    assert.deepEqual(york.timezones.map((z) => z.name), ["America/New_York"]);
    assert.equal(york.timezones[0]!.utc_offset, york.timezones[0]!.is_dst ? "-04:00" : "-05:00");
    const all = await list({});
    assert.equal(all.query, null);
    assert.equal(all.count, zoneNames().length);
    assert.ok(all.count > 400);
    assert.ok(all.timezones.some((z) => z.name === "UTC" && z.utc_offset === "+00:00"));
  });
});
