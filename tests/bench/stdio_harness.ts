/**
 * The stdio benchmark: starts this server (exactly as `deno task start` does) and its peers
 * `time-mcp` and `mcp-time` as an MCP client would, drives each with the same minimal client,
 * and prints one table — cold start to the first `tools/list` answer, time-tool latency
 * (serial and 10 concurrent), calls/s, and memory after 100 000 calls — with ratios to ours.
 * Servers alternate (A B C A B C …) because the machine is shared and noisy. Numbers only:
 * nothing here fails because something is slow.
 *
 * usage: deno run --allow-all tests/bench/stdio_harness.ts [--rounds 2] [--serial 2000]
 *          [--warmup 200] [--concurrency 10] [--cold 5] [--rss-calls 100000]
 *          [--servers mcp-utc-time,time-mcp,mcp-time] [--before DIR]
 *
 * `--before DIR` adds a column for the server in another checkout (e.g. `git archive` of an older
 * commit unpacked into DIR), run with that checkout's own start flags: before/after numbers.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { LineClient } from "./support/line_client.ts";
import { describeMachine } from "./support/machine.ts";
import { median, type Memory, memoryOf, percentiles } from "./support/measure.ts";
import { BENCH_SHM_UNITS, benchServers, installPeers, type ServerSpec } from "./support/servers.ts";
import { ShmFeed } from "./support/shm_feed.ts";

interface Options {
  rounds: number;
  serial: number;
  warmup: number;
  concurrency: number;
  cold: number;
  rssCalls: number;
  servers: string[] | null;
  before: string | null;
}

/** Everything measured for one server. */
interface Measured {
  spec: ServerSpec;
  coldMs: number[];
  serialMs: number[];
  serialP50PerRound: number[];
  serialCallsPerS: number[];
  concurrentMs: number[];
  concurrentCallsPerS: number[];
  memory: { start: Memory; warm: Memory; end: Memory } | null;
  errors: string[];
  /** Non-JSON stdout lines seen at start (a protocol violation SDK clients tolerate). */
  stray: string[];
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rounds: { type: "string", default: "2" },
      serial: { type: "string", default: "2000" },
      warmup: { type: "string", default: "200" },
      concurrency: { type: "string", default: "10" },
      cold: { type: "string", default: "5" },
      "rss-calls": { type: "string", default: "100000" },
      servers: { type: "string" },
      before: { type: "string" },
    },
  });
  const count = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new RangeError(`Cannot run the bench: --${name} ${v} is not an integer ≥ ${min}`);
    }
    return n;
  };
  return {
    rounds: count("rounds", values.rounds, 1),
    serial: count("serial", values.serial, 1),
    warmup: count("warmup", values.warmup, 0),
    concurrency: count("concurrency", values.concurrency, 1),
    cold: count("cold", values.cold, 0),
    rssCalls: count("rss-calls", values["rss-calls"], 0),
    servers: values.servers?.split(",") ?? null,
    before: values.before ?? null,
  };
}

function spawn(spec: ServerSpec): LineClient {
  return LineClient.spawn(spec.name, spec.cmd, spec.args, { cwd: spec.cwd, env: spec.env });
}

/** Starts the server and completes the handshake; returns the client and the cold start, ms. */
async function start(spec: ServerSpec): Promise<{ client: LineClient; coldMs: number }> {
  const client = spawn(spec);
  try {
    const { tools, listedAt } = await client.handshake();
    if (!tools.includes(spec.tool)) {
      throw new Error(`${spec.name} lists no tool ${spec.tool} (it has: ${tools.join(", ")})`);
    }
    return { client, coldMs: listedAt - client.spawnedAt };
  } catch (e) {
    await client.close();
    throw e;
  }
}

/** `calls` tool calls from `concurrency` callers at once; latencies and the wall time, ms. */
async function callMany(
  client: LineClient,
  spec: ServerSpec,
  calls: number,
  concurrency: number,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let issued = 0;
  const caller = async () => {
    while (issued < calls) {
      issued++;
      latencies.push(await client.callTool(spec.tool, spec.toolArgs));
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, caller));
  return { latencies, wallMs: performance.now() - t0 };
}

async function coldStart(m: Measured): Promise<void> {
  const { client, coldMs } = await start(m.spec);
  await client.close();
  m.coldMs.push(coldMs);
  if (client.stray.length > 0) m.stray = client.stray;
}

async function latencyRound(m: Measured, o: Options): Promise<void> {
  const { client, coldMs } = await start(m.spec);
  try {
    m.coldMs.push(coldMs);
    await callMany(client, m.spec, o.warmup, 1);
    const serial = await callMany(client, m.spec, o.serial, 1);
    m.serialMs.push(...serial.latencies);
    m.serialP50PerRound.push(percentiles(serial.latencies).p50);
    m.serialCallsPerS.push(o.serial / (serial.wallMs / 1000));
    const conc = await callMany(client, m.spec, o.serial, o.concurrency);
    m.concurrentMs.push(...conc.latencies);
    m.concurrentCallsPerS.push(o.serial / (conc.wallMs / 1000));
  } finally {
    await client.close();
  }
}

async function memoryRun(m: Measured, o: Options): Promise<void> {
  const { client } = await start(m.spec);
  try {
    const startMem = memoryOf(client.pid);
    await callMany(client, m.spec, 1_000, o.concurrency);
    const warm = memoryOf(client.pid);
    await callMany(client, m.spec, o.rssCalls, o.concurrency);
    m.memory = { start: startMem, warm, end: memoryOf(client.pid) };
  } finally {
    await client.close();
  }
}

/** Runs `step` for every server in turn (A B C), recording a failure instead of stopping. */
async function alternate(
  all: Measured[],
  what: string,
  step: (m: Measured) => Promise<void>,
): Promise<void> {
  for (const m of all) {
    if (m.errors.length > 0) continue; // a server that failed once is not retried
    try {
      await step(m);
    } catch (e) {
      m.errors.push(`${what}: ${(e as Error).message}`);
      console.error(`stdio_harness: ${m.spec.name} failed during ${what}: ${(e as Error).message}`);
    }
  }
}

const fmt = (v: number | null, digits = 2): string => v === null ? "–" : v.toFixed(digits);

function table(all: Measured[], o: Options): string {
  const [ours, ...peers] = all as [Measured, ...Measured[]];
  const rows: [string, (m: Measured) => number | null, number][] = [
    ["cold start → tools/list, median ms", (m) => med(m.coldMs), 1],
    ["serial p50 ms", (m) => pct(m.serialMs, "p50"), 3],
    ["serial p90 ms", (m) => pct(m.serialMs, "p90"), 3],
    ["serial p99 ms", (m) => pct(m.serialMs, "p99"), 3],
    ["serial calls/s", (m) => med(m.serialCallsPerS), 0],
    [`${o.concurrency} concurrent p50 ms`, (m) => pct(m.concurrentMs, "p50"), 3],
    [`${o.concurrency} concurrent p99 ms`, (m) => pct(m.concurrentMs, "p99"), 3],
    [`${o.concurrency} concurrent calls/s`, (m) => med(m.concurrentCallsPerS), 0],
    ["RSS after start, MiB", (m) => m.memory?.start.rssMiB ?? null, 1],
    ["RSS after 1000 calls, MiB", (m) => m.memory?.warm.rssMiB ?? null, 1],
    [`RSS after ${o.rssCalls} more calls, MiB`, (m) => m.memory?.end.rssMiB ?? null, 1],
    ["peak RSS (VmHWM), MiB", (m) => m.memory?.end.peakMiB ?? null, 1],
    [
      `RSS growth over ${o.rssCalls} calls, MiB`,
      (m) => m.memory === null ? null : m.memory.end.rssMiB - m.memory.warm.rssMiB,
      1,
    ],
  ];
  const head = `| | ${all.map((m) => m.spec.name).join(" | ")} | ${
    peers.map((p) => `${ours.spec.name} ÷ ${p.spec.name}`).join(" | ")
  } |`;
  const lines = [head, `|${"---|".repeat(1 + all.length + peers.length)}`];
  const measured = all.some((m) => m.memory !== null) ? rows : rows.filter(([l]) => !/RSS/.test(l));
  for (const [label, get, digits] of measured) {
    const ratio = (p: Measured) => {
      const a = get(ours);
      const b = get(p);
      return a === null || b === null || b === 0 ? "–" : `${(a / b).toFixed(2)}×`;
    };
    lines.push(
      `| ${label} | ${all.map((m) => fmt(get(m), digits)).join(" | ")} | ${
        peers.map(ratio).join(" | ")
      } |`,
    );
  }
  lines.push(
    `| serial p50 per round, ms | ${
      all.map((m) => m.serialP50PerRound.map((v) => v.toFixed(3)).join(", ") || "–").join(" | ")
    } | ${peers.map(() => "").join(" | ")} |`,
  );
  return lines.join("\n");
}

function med(v: number[]): number | null {
  return v.length === 0 ? null : median(v);
}

function pct(v: number[], which: "p50" | "p90" | "p99"): number | null {
  return v.length === 0 ? null : percentiles(v)[which];
}

function targets(all: Measured[]): string[] {
  const find = (name: string) => all.find((m) => m.spec.name === name);
  const ours = all[0]!;
  const out: string[] = [];
  const verdict = (ok: boolean) => ok ? "met" : "MISSED";
  const goMcp = find("mcp-time");
  const a = pct(ours.serialMs, "p50");
  const b = goMcp === undefined ? null : pct(goMcp.serialMs, "p50");
  if (a !== null && b !== null) {
    out.push(
      `time-tool p50 ≤ 0.8× mcp-time's: ${(a / b).toFixed(2)}× → ${verdict(a <= 0.8 * b)}`,
    );
  }
  const nodeMcp = find("time-mcp");
  const c = med(ours.coldMs);
  const d = nodeMcp === undefined ? null : med(nodeMcp.coldMs);
  if (c !== null && d !== null) {
    out.push(`cold start ≤ time-mcp's: ${(c / d).toFixed(2)}× → ${verdict(c <= d)}`);
  }
  if (ours.memory !== null) {
    const peak = ours.memory.end.peakMiB;
    const growth = ours.memory.end.rssMiB - ours.memory.warm.rssMiB;
    out.push(`peak RSS ≤ 60 MiB: ${peak.toFixed(1)} MiB → ${verdict(peak <= 60)}`);
    out.push(`RSS growth < 5 MiB: ${growth.toFixed(1)} MiB → ${verdict(growth < 5)}`);
  }
  return out;
}

async function main(): Promise<void> {
  const o = parseOptions(Deno.args);
  try {
    await installPeers();
  } catch (e) {
    console.error(`stdio_harness: ${(e as Error).message}; measuring what is installed`);
  }
  const { servers, missing } = benchServers(o.before);
  for (const why of missing) console.error(`\n!!! stdio_harness: LEAVING OUT ${why}\n`);
  const chosen = o.servers === null ? servers : servers.filter((s) => o.servers!.includes(s.name));
  const all: Measured[] = chosen.map((spec) => ({
    spec,
    coldMs: [],
    serialMs: [],
    serialP50PerRound: [],
    serialCallsPerS: [],
    concurrentMs: [],
    concurrentCallsPerS: [],
    memory: null,
    errors: [],
    stray: [],
  }));
  if (all.length === 0) throw new Error("Cannot run the bench: no server selected");
  const machineBefore = describeMachine();
  using _feed = new ShmFeed(BENCH_SHM_UNITS);
  const started = new Date();
  for (let i = 0; i < o.cold; i++) await alternate(all, "cold start", coldStart);
  for (let r = 0; r < o.rounds; r++) {
    console.error(`stdio_harness: latency round ${r + 1}/${o.rounds}`);
    await alternate(all, `latency round ${r + 1}`, (m) => latencyRound(m, o));
  }
  if (o.rssCalls > 0) {
    console.error(`stdio_harness: ${o.rssCalls} calls per server for memory`);
    await alternate(all, "memory run", (m) => memoryRun(m, o));
  }
  const out = [
    `## stdio: this server vs its peers`,
    "",
    `${started.toISOString()} · ${machineBefore}`,
    `after: ${describeMachine()}`,
    `command: deno run --allow-all tests/bench/stdio_harness.ts ${Deno.args.join(" ")}`.trimEnd(),
    `settings: ${o.cold} cold starts + 1 per round; ${o.rounds} rounds of ${o.warmup} warm-up + ` +
    `${o.serial} serial + ${o.serial} calls ${o.concurrency} at a time; memory: 1000 calls, then ` +
    `${o.rssCalls} calls ${o.concurrency} at a time. Servers alternate: ${
      all.map((m) => m.spec.name).join(" → ")
    } → …`,
    `time tools: ${all.map((m) => `${m.spec.name} ${m.spec.tool}`).join(", ")}`,
    "",
    table(all, o),
    "",
    ...targets(all).map((t) => `- ${t}`),
    ...all.flatMap((m) => m.errors.map((e) => `- ${m.spec.name} FAILED: ${e}`)),
    ...all.flatMap((m) =>
      m.stray.map((l) => `- ${m.spec.name} wrote a non-JSON line to stdout (skipped): ${l}`)
    ),
    ...missing.map((why) => `- left out: ${why}`),
  ];
  console.log(out.join("\n"));
}

if (import.meta.main) await main();
