/**
 * `--check`: the pure report pieces with tables, and the real self-test run exactly as
 * `deno task check` runs it (the start task's flags) against real SHM segments written by
 * tests/support/shm_writer.ts (units 90-94, this file's own), as root and as nobody.
 */
import assert from "node:assert/strict";
import {
  type CheckLine,
  type CheckReport,
  exitCode,
  ffiLine,
  KERNEL8_FIX,
  platformLines,
} from "../src/check/report.ts";
import { decodeUtsname, UTSNAME_FIELD, UTSNAME_SIZE } from "../src/check/utsname.ts";
import { toolArguments } from "../src/check/handshake.ts";
import { uname } from "../src/ffi/uname.ts";
import { shmKey } from "../src/shm/layout.ts";
import { makeNobodyDenoDir, NOBODY, runDeno, startFlags } from "./support/deno.ts";
import { hasCommand, isRoot, missing, skipUnless } from "./support/prereq.ts";
import { removeUnit, TestSegment } from "./support/shm_writer.ts";

const FRESH = 90;
const ABSENT = 91;
const STALE = 92;
const LONELY = 93;

function utsnameBytes(fields: string[]): Uint8Array {
  const b = new Uint8Array(UTSNAME_SIZE);
  fields.forEach((f, i) => b.set(new TextEncoder().encode(f), i * UTSNAME_FIELD));
  return b;
}

Deno.test("decodeUtsname reads the fields and rejects a field without its NUL", async () => {
  const u = decodeUtsname(
    utsnameBytes(["Linux", "pi5", "6.12.25+rpt-rpi-2712", "#1 SMP PREEMPT", "aarch64", "(none)"]),
  );
  assert.deepEqual(u, {
    sysname: "Linux",
    release: "6.12.25+rpt-rpi-2712",
    version: "#1 SMP PREEMPT",
    machine: "aarch64",
  });
  const full = utsnameBytes(["Linux", "h", "x".repeat(UTSNAME_FIELD), "v", "m", ""]);
  assert.throws(() => decodeUtsname(full), {
    name: "RangeError",
    message: "Cannot decode utsname: the release field has no NUL",
  });
  assert.throws(() => decodeUtsname(new Uint8Array(389)), {
    name: "RangeError",
    message: "Cannot decode utsname: 389 bytes given, 390 needed",
  });
  // The real call agrees with uname(1).
  const r = await new Deno.Command("uname", { args: ["-s", "-r", "-m"] }).output();
  const [sys, rel, mach] = new TextDecoder().decode(r.stdout).trim().split(" ");
  const live = uname();
  assert.deepEqual([live.sysname, live.release, live.machine], [sys, rel, mach]);
});

Deno.test("platformLines: a 16 KiB page size is a WARN with the kernel8.img fix", () => {
  const kernel = {
    sysname: "Linux",
    release: "6.12.25+rpt-rpi-2712",
    version: "",
    machine: "aarch64",
  };
  assert.deepEqual(platformLines({ arch: "aarch64", kernel, pageSize: 16384 }), [
    {
      section: "platform",
      level: "OK",
      message: "arch aarch64, Linux 6.12.25+rpt-rpi-2712 (aarch64)",
      fix: null,
    },
    { section: "platform", level: "WARN", message: "page size 16384 B (16 KiB)", fix: KERNEL8_FIX },
  ]);
  assert.match(KERNEL8_FIX, /kernel=kernel8\.img/);
  const ok = platformLines({ arch: "x86_64", kernel, pageSize: 4096 });
  assert.deepEqual(ok.map((l) => l.level), ["OK", "OK"]);
  const noFfi = platformLines({ arch: "x86_64", kernel: new Error("no libc"), pageSize: null });
  assert.deepEqual(noFfi.map((l) => [l.level, l.message]), [
    ["WARN", "arch x86_64; kernel release unknown: no libc"],
  ]);
});

Deno.test("exitCode: 0 all OK, 1 any WARN/FAIL, 2 when libc cannot be bound", () => {
  const l = (section: CheckLine["section"], level: CheckLine["level"]): CheckLine => ({
    section,
    level,
    message: "m",
    fix: level === "OK" ? null : "f",
  });
  const cases: [CheckLine[], number][] = [
    [[l("ffi", "OK"), l("shm", "OK")], 0],
    [[l("ffi", "OK"), l("kernel", "WARN")], 1],
    [[l("ffi", "OK"), l("mcp", "FAIL")], 1],
    [[l("platform", "WARN"), l("ffi", "FAIL")], 2],
  ];
  for (const [lines, code] of cases) assert.equal(exitCode(lines), code);
  const notCapable = new Deno.errors.NotCapable('Requires ffi access to "/lib/x"');
  assert.match(ffiLine("/lib/x", notCapable).fix!, /permissions of 'deno task start'/);
});

Deno.test("toolArguments fills required zone, time and enum parameters only", () => {
  const tool = {
    name: "t",
    inputSchema: {
      type: "object" as const,
      properties: {
        source_timezone: { type: "string" },
        time: { type: "string" },
        unit: { type: "string", enum: ["s", "ms"] },
        other: { type: "string" },
        optional_timezone: { type: "string" },
      },
      required: ["source_timezone", "time", "unit", "other"],
    },
  };
  assert.deepEqual(toolArguments(tool, "2026-11-24T07:00:00.000000000Z"), {
    source_timezone: "UTC",
    time: "2026-11-24T07:00:00.000000000Z",
    unit: "s",
  });
  assert.deepEqual(toolArguments(tool, null), { source_timezone: "UTC", unit: "s" });
});

/** Runs `main.ts --check ARGS` with the start task's flags. */
function check(args: string[], opts: { asNobody?: boolean; denoDir?: string } = {}) {
  return runDeno(["run", ...startFlags(), "main.ts", "--check", ...args], opts);
}

function line(r: CheckReport, section: string, prefix: string): CheckLine {
  const found = r.lines.find((l) => l.section === section && l.message.startsWith(prefix));
  assert.ok(
    found,
    `no ${section} line starting "${prefix}" in:\n${JSON.stringify(r.lines, null, 1)}`,
  );
  return found;
}

/** Writes a fresh sample into `seg` every 200 ms until the returned stop function is called. */
function feed(seg: TestSegment): () => void {
  const write = () => {
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    const nsec = (now % 1000) * 1e6;
    seg.write({ clockSec: sec, clockNsec: nsec + 1234, receiveSec: sec, receiveNsec: nsec });
  };
  write();
  const t = setInterval(write, 200);
  return () => clearInterval(t);
}

const asRoot = missing([isRoot(), "needs root (creates SHM segments owned by root)"]);

Deno.test({
  name: "--check --json: fresh, absent and stale units, PPS off, every tool called",
  ignore: skipUnless("check --json", asRoot),
  fn: async () => {
    for (const u of [FRESH, ABSENT, STALE]) removeUnit(u);
    using fresh = TestSegment.create(FRESH, 0o600);
    using stale = TestSegment.create(STALE, 0o644);
    const old = Math.floor(Date.now() / 1000) - 60;
    stale.write({ clockSec: old, clockNsec: 5000, receiveSec: old, receiveNsec: 0 });
    const stop = feed(fresh);
    let r;
    try {
      r = await check(["--json", "--shm-units", `${FRESH}-${STALE}`, "--pps-device", "none"]);
    } finally {
      stop();
    }
    const report = JSON.parse(r.stdout) as CheckReport; // stdout is exactly one JSON document
    assert.equal(r.code, report.exit_code, r.stderr);
    assert.equal(report.exit_code, report.lines.every((l) => l.level === "OK") ? 0 : 1);
    console.error(`check_test: --check took ${report.duration_ms} ms`);
    assert.ok(report.duration_ms < 30_000, `bounded: ${report.duration_ms} ms`);

    const f = line(report, "shm", `unit ${FRESH} `);
    assert.equal(f.level, "OK");
    assert.match(
      f.message,
      /: ok, mode 0600 uid 0 gid 0, last sample 0\.\d{3} s old, offset 1234 ns/,
    );
    const seen = Number(/; (\d+) distinct samples read in 1\.5 s/.exec(f.message)?.[1]);
    assert.ok(seen >= 2, `liveness judged over time: ${seen} samples`);
    const a = line(report, "shm", `unit ${ABSENT} `);
    assert.equal(a.level, "OK");
    assert.equal(
      a.message,
      `unit ${ABSENT} (key 0x${
        shmKey(ABSENT).toString(16)
      }): no_segment (unused; another unit has fresh samples)`,
    );
    const s = line(report, "shm", `unit ${STALE} `);
    assert.equal(s.level, "WARN");
    assert.match(s.message, /: stale, mode 0644 uid 0 gid 0, last sample 6\d\.\d{3} s old/);
    assert.match(s.fix!, /the writer stopped writing/);

    assert.equal(line(report, "pps", "disabled").level, "OK");
    assert.equal(report.status!.hardware_clock, `GPS via SHM(${FRESH})`);
    assert.equal(line(report, "clock", "source").level, "OK");
    const k = report.status!.kernel!;
    assert.equal(
      line(report, "kernel", k.synchronized ? "synchronized" : "unsynchronized").level,
      k.synchronized ? "OK" : "WARN",
    );

    const init = line(report, "mcp", "initialize: mcp-utc-time ");
    assert.equal(init.level, "OK");
    const listed = Number(/, (\d+) tools listed/.exec(init.message)?.[1]);
    const calls = report.lines.filter((l) => l.message.startsWith("tools/call "));
    assert.equal(calls.length, listed);
    assert.ok(listed >= 5);
    for (const c of calls) assert.equal(c.level, "OK", c.message);
  },
});

Deno.test({
  name: "--check text: one line per fact, fixes indented, summary with the exit code",
  ignore: skipUnless("check text", asRoot),
  fn: async () => {
    removeUnit(LONELY);
    const r = await check(["--shm-units", `${LONELY}`, "--pps-device", "none"]);
    assert.equal(r.code, 1, r.stderr); // no hardware clock: degraded
    const key = `0x${shmKey(LONELY).toString(16)}`;
    assert.ok(r.stdout.startsWith("mcp-utc-time "), r.stdout);
    assert.ok(r.stdout.includes(`\nWARN  shm       unit ${LONELY} (key ${key}): no_segment\n`));
    assert.ok(
      r.stdout.includes(`\n${" ".repeat(16)}fix: No segment has key ${key}: nothing created`),
    );
    assert.match(r.stdout, /\nWARN {2}clock {5}source \S+, hardware clock none, /);
    assert.match(r.stdout, /\ndegraded \(exit 1\): \d+ OK, \d+ WARN, 0 FAIL in \d+\.\d s\n$/);
  },
});

Deno.test("--check: bad flags exit 2; without FFI permission the report says cannot run", async () => {
  const bad = await check(["--shm-units", "999"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Cannot parse flags: --shm-units "999"/);
  const noFfi = await runDeno([
    "run",
    ...startFlags().filter((f) => !f.startsWith("--allow-ffi")),
    "main.ts",
    "--check",
    "--json",
  ]);
  assert.equal(noFfi.code, 2, noFfi.stderr);
  const report = JSON.parse(noFfi.stdout) as CheckReport;
  assert.equal(report.result, "cannot_run");
  assert.equal(report.status, null);
  const ffi = line(report, "ffi", "Cannot bind libc");
  assert.equal(ffi.level, "FAIL");
  assert.match(ffi.fix!, /permissions of 'deno task start'/);
});

Deno.test({
  name: "--check as nobody: runs, and a root-only unit is a FAIL with the exact fix",
  ignore: skipUnless(
    "check as nobody",
    missing([isRoot(), "needs root (setpriv to nobody)"], [hasCommand("setpriv"), "no setpriv"]),
  ),
  fn: async () => {
    removeUnit(FRESH);
    using seg = TestSegment.create(FRESH, 0o600);
    const stop = feed(seg);
    const denoDir = await makeNobodyDenoDir();
    try {
      // nobody cannot read root's cache: give it a copy of the npm packages (no network needed).
      const src = `${Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`}/npm`;
      const cp = await new Deno.Command("cp", { args: ["-a", src, `${denoDir}/npm`] }).output();
      assert.equal(cp.code, 0, new TextDecoder().decode(cp.stderr));
      await new Deno.Command("chown", { args: ["-R", `${NOBODY}:${NOBODY}`, denoDir] }).output();
      const r = await check(["--json", "--shm-units", `${FRESH}`, "--pps-device", "none"], {
        asNobody: true,
        denoDir,
      });
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout) as CheckReport;
      assert.equal(line(report, "ffi", "libc").level, "OK");
      const u = line(report, "shm", `unit ${FRESH} `);
      assert.equal(u.level, "FAIL");
      assert.match(u.message, /: permission_denied, mode 0600 uid 0 gid 0/);
      assert.match(u.fix!, /this process \(uid 65534\) may not attach it/);
      assert.match(u.fix!, /run the server as uid 0, or use a world-readable unit/);
      for (const c of report.lines.filter((l) => l.section === "mcp")) assert.equal(c.level, "OK");
    } finally {
      stop();
      await Deno.remove(denoDir, { recursive: true });
    }
  },
});
