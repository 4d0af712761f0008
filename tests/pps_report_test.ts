/**
 * The pulse history (missed pulses, sequence gaps, restarts, statistics), the state decision,
 * the report's fields and advice, and the PPS SHM unit selector — pure, with tables.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readKernelClock } from "../src/kernel/read.ts";
import type { PpsEvent } from "../src/pps/decode.ts";
import { edgeOffsetNs, PULSE_HISTORY_SIZE, PulseHistory } from "../src/pps/history.ts";
import { type PpsFacts, ppsReport, ppsState } from "../src/pps/report.ts";
import { ppsShmUnit } from "../src/pps/shm_unit.ts";
import type { UnitReport } from "../src/shm/report.ts";

const T0 = 1_795_503_447;

function ev(sequence: number, sec: number, nsec: number): PpsEvent {
  return { sequence, time: { sec, nsec } };
}

function historyOf(events: PpsEvent[]): PulseHistory {
  const h = new PulseHistory();
  for (const e of events) h.record(e);
  return h;
}

Deno.test("edgeOffsetNs: folded into [-0.5 s, 0.5 s)", () => {
  const table: [number, number][] = [
    [0, 0],
    [512_345, 512_345],
    [499_999_999, 499_999_999],
    [500_000_000, -500_000_000],
    [999_999_000, -1_000],
  ];
  for (const [nsec, want] of table) assert.equal(edgeOffsetNs({ nsec }), want, String(nsec));
});

Deno.test("PulseHistory: counts, gaps, missed seconds, restarts", () => {
  const table: {
    name: string;
    events: PpsEvent[];
    seen: number;
    missed: number;
    gaps: number;
    restarts: number;
    intervals: number[];
  }[] = [
    {
      name: "nothing yet (time 0) is not a pulse",
      events: [ev(0, 0, 0), ev(0, 0, 0)],
      seen: 0,
      missed: 0,
      gaps: 0,
      restarts: 0,
      intervals: [],
    },
    {
      name: "a steady train, each pulse read several times",
      events: [
        ev(5, T0, 700_000),
        ev(5, T0, 700_000),
        ev(6, T0 + 1, 900_000),
        ev(7, T0 + 2, 600_000),
      ],
      seen: 3,
      missed: 0,
      gaps: 0,
      restarts: 0,
      intervals: [1_000_200_000, 999_700_000],
    },
    {
      name: "the sampler skipped a pulse the kernel counted: a gap, nothing missed",
      events: [ev(5, T0, 0), ev(7, T0 + 2, 0)],
      seen: 2,
      missed: 0,
      gaps: 1,
      restarts: 0,
      intervals: [],
    },
    {
      name: "3 s between consecutive sequences: 2 pulses missing from the signal",
      events: [ev(5, T0, 0), ev(6, T0 + 3, 10_000), ev(7, T0 + 4, 0)],
      seen: 3,
      missed: 2,
      gaps: 0,
      restarts: 0,
      intervals: [3_000_010_000, 999_990_000],
    },
    {
      name: "the sequence wraps past 2³²",
      events: [ev(0xffff_ffff, T0, 0), ev(0, T0 + 1, 0)],
      seen: 2,
      missed: 0,
      gaps: 0,
      restarts: 0,
      intervals: [1_000_000_000],
    },
    {
      name: "the source was re-created: the sequence starts again",
      events: [ev(500, T0, 0), ev(1, T0 + 9, 0), ev(2, T0 + 10, 0)],
      seen: 3,
      missed: 0,
      gaps: 0,
      restarts: 1,
      intervals: [1_000_000_000],
    },
  ];
  for (const c of table) {
    const h = historyOf(c.events);
    assert.equal(h.pulsesSeen, c.seen, c.name);
    assert.equal(h.missedPulses, c.missed, c.name);
    assert.equal(h.sequenceGaps, c.gaps, c.name);
    assert.equal(h.restarts, c.restarts, c.name);
    assert.deepEqual(h.intervals.toArray(), c.intervals, c.name);
  }
});

Deno.test("PulseHistory: statistics cover the last PULSE_HISTORY_SIZE pulses", () => {
  const h = new PulseHistory();
  for (let i = 0; i < PULSE_HISTORY_SIZE + 10; i++) h.record(ev(i + 1, T0 + i, 1000 + i));
  assert.equal(h.pulsesSeen, PULSE_HISTORY_SIZE + 10);
  assert.equal(h.edgeOffsets.length, PULSE_HISTORY_SIZE);
  assert.equal(h.intervals.length, PULSE_HISTORY_SIZE);
  assert.equal(h.edgeOffsets.toArray()[0], 1010);
});

function facts(over: Partial<PpsFacts>): PpsFacts {
  return {
    configured: "auto",
    phase: "ioctl",
    device: "/dev/pps0",
    entry: {
      id: "pps0",
      device: "/dev/pps0",
      dir: "/sys/class/pps/pps0",
      name: "pps@12.-1",
      path: null,
    },
    capabilities: 0x1133,
    params: { apiVersion: 1, mode: 0x1001, assertOffsetNs: 0, clearOffsetNs: 0 },
    capturesAssert: true,
    ioctlError: null,
    error: null,
    nodeStat: null,
    history: new PulseHistory(),
    ...over,
  };
}

Deno.test("ppsState: from the phase and the age of the last assert", () => {
  const table: [Partial<PpsFacts>, number | null, string][] = [
    [{ phase: "disabled" }, null, "disabled"],
    [{ phase: "no_device" }, null, "no_device"],
    [{ phase: "permission_denied" }, null, "permission_denied"],
    [{ phase: "error" }, null, "error"],
    [{ phase: "ioctl" }, null, "no_pulses"],
    [{ phase: "sysfs", capturesAssert: false }, 100, "no_pulses"],
    [{ phase: "ioctl" }, 1999, "active"],
    [{ phase: "sysfs" }, 2000, "active"],
    [{ phase: "ioctl" }, 2001, "stale"],
  ];
  for (const [f, age, want] of table) {
    assert.equal(ppsState(facts(f), age, 2000), want, `${JSON.stringify(f)} age ${age}`);
  }
});

Deno.test("ppsReport: an active ioctl source with statistics and the kernel's PPS bits", () => {
  const kernel = readKernelClock();
  const h = historyOf([ev(5, T0, 700_000), ev(6, T0 + 1, 900_000), ev(7, T0 + 2, 600_000)]);
  const r = ppsReport(facts({ history: h }), {
    now: { sec: T0 + 2, nsec: 850_000_000 },
    staleAfterMs: 2000,
    uid: 0,
    kernel,
  });
  assert.deepEqual({ ...r, kernel_pps: null }, {
    device: "/dev/pps0",
    name: "pps@12.-1",
    path: null,
    source: "ioctl",
    state: "active",
    detail:
      "Pulses arrive: the last assert (sequence 7) is 0.849 s old. Read with PPS_FETCH on /dev/pps0.",
    ioctl_error: null,
    capabilities: [
      "CAPTUREASSERT",
      "CAPTURECLEAR",
      "OFFSETASSERT",
      "OFFSETCLEAR",
      "CANWAIT",
      "TSFMT_TSPEC",
    ],
    mode: ["CAPTUREASSERT", "TSFMT_TSPEC"],
    assert_sequence: 7,
    last_assert_time: "2026-11-24T06:57:29.000600000Z",
    last_assert_unix_ns: "1795503449000600000",
    age_ms: 849.4,
    stale_after_ms: 2000,
    pulses_seen: 3,
    interval_window: 2,
    interval_mean_ns: 999_950_000,
    interval_jitter_ns: 500_000,
    interval_min_ns: 999_700_000,
    interval_max_ns: 1_000_200_000,
    edge_window: 3,
    edge_offset_mean_ns: 733_333.333,
    edge_offset_jitter_ns: 254_950.976,
    missed_pulses: 0,
    sequence_gaps: 0,
    restarts: 0,
    kernel_pps: null,
  });
  const k = r.kernel_pps!;
  assert.equal(k.pps_signal, kernel.statusFlags.includes("PPSSIGNAL"));
  assert.equal(k.pps_time, kernel.statusFlags.includes("PPSTIME"));
  assert.equal(k.pps_freq, kernel.statusFlags.includes("PPSFREQ"));
  assert.equal(k.pps_jitter, kernel.statusFlags.includes("PPSJITTER"));
  assert.equal(k.pps_wander, kernel.statusFlags.includes("PPSWANDER"));
  assert.equal(k.pps_error, kernel.statusFlags.includes("PPSERROR"));
  assert.equal(k.pps_jitter_ns, kernel.ppsJitterNs);
  assert.equal(k.pps_frequency_ppm, kernel.ppsFrequencyPpm);
});

Deno.test("ppsReport: the sysfs fallback says why and how to get ioctl access", () => {
  const h = historyOf([ev(9, T0, 500)]);
  const r = ppsReport(
    facts({
      phase: "sysfs",
      capabilities: null,
      params: null,
      ioctlError: new Error(
        "Cannot open PPS device /dev/pps0: open failed: Permission denied (EACCES)",
      ),
      nodeStat: { uid: 0, gid: 0, mode: 0o20600 },
      history: h,
    }),
    {
      now: { sec: T0 + 5, nsec: 0 },
      staleAfterMs: 2000,
      uid: 65534,
      kernel: new Error("test: no kernel"),
    },
  );
  assert.equal(r.source, "sysfs");
  assert.equal(r.state, "stale");
  assert.equal(r.capabilities, null);
  assert.equal(r.kernel_pps, null);
  assert.equal(
    r.detail,
    "The last assert (sequence 9) is 5.0 s old (limit 2 s): the pulses stopped. A GPS receiver stops its PPS output without a fix; check the antenna, the receiver (gpsd: cgps) and the wiring to the PPS pin. " +
      "Read from /sys/class/pps/pps0/assert because this process (uid 65534) cannot open /dev/pps0 (mode 0600, uid 0, gid 0): Cannot open PPS device /dev/pps0: open failed: Permission denied (EACCES). The sysfs file carries the same assert times and sequence numbers, but no capabilities. " +
      `For ioctl access (capabilities, and no dependence on sysfs), give a group read access to /dev/pps0: a udev rule /etc/udev/rules.d/60-pps.rules containing 'KERNEL=="pps0", SUBSYSTEM=="pps", GROUP="pps", MODE="0640"', then 'groupadd --system pps; usermod -aG pps <server user>; udevadm control --reload; udevadm trigger --subsystem-match=pps', and restart the server. ` +
      "The kernel's PPS state could not be read: test: no kernel",
  );
});

Deno.test("ppsReport: no device, disabled, permission denied — no numbers invented", () => {
  const ctx = {
    now: { sec: T0, nsec: 0 },
    staleAfterMs: 2000,
    uid: 1000,
    kernel: readKernelClock(),
  };
  const none = ppsReport(
    facts({ phase: "no_device", device: null, entry: null, capabilities: null, params: null }),
    ctx,
  );
  assert.equal(none.state, "no_device");
  assert.match(none.detail, /dtoverlay=pps-gpio,gpiopin=18/);
  for (
    const k of [
      "device",
      "name",
      "source",
      "capabilities",
      "assert_sequence",
      "last_assert_time",
      "age_ms",
    ]
  ) {
    assert.equal(none[k as keyof typeof none], null, k);
  }
  assert.equal(none.interval_mean_ns, null);
  assert.equal(none.edge_offset_mean_ns, null);
  const off = ppsReport(
    facts({ phase: "disabled", configured: "none", device: null, entry: null }),
    ctx,
  );
  assert.equal(off.state, "disabled");
  assert.match(off.detail, /--pps-device none/);
  const denied = ppsReport(
    facts({
      phase: "permission_denied",
      configured: "/dev/pps3",
      device: "/dev/pps3",
      entry: null,
      capabilities: null,
      params: null,
      ioctlError: new Error(
        "Cannot open PPS device /dev/pps3: open failed: Permission denied (EACCES)",
      ),
    }),
    ctx,
  );
  assert.equal(denied.state, "permission_denied");
  assert.match(
    denied.detail,
    /^This process \(uid 1000\) cannot open \/dev\/pps3: .*\(EACCES\); and the sysfs fallback is unavailable: the device has no sysfs entry\. .*KERNEL=="pps3"/,
  );
});

function unitReport(unit: number, samplesSeen: number): UnitReport {
  return {
    unit,
    key: `0x${(0x4e545030 + unit).toString(16)}`,
    state: samplesSeen > 0 ? "ok" : "not_ready",
    detail: "",
    permissions: "0600",
    owner_uid: 0,
    owner_gid: 0,
    size: 96,
    attach_count: 1,
    last_sample: null,
    stats: {
      samples_seen: samplesSeen,
      window: 0,
      mean_offset_ns: null,
      jitter_ns: null,
      min_offset_ns: null,
      max_offset_ns: null,
      clashes: 0,
      clash_failures: 0,
      attaches: 1,
    },
  };
}

Deno.test("ppsShmUnit: unit 1 when it carries samples", () => {
  assert.equal(ppsShmUnit([]), null);
  assert.equal(ppsShmUnit([unitReport(0, 5), unitReport(1, 0)]), null);
  const u1 = unitReport(1, 3);
  assert.equal(ppsShmUnit([unitReport(0, 5), u1, unitReport(2, 1)]), u1);
  assert.equal(ppsShmUnit([unitReport(0, 5), unitReport(2, 1)]), null);
});
