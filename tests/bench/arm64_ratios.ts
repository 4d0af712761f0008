/**
 * Runs the in-process benches (`tests/bench/*_bench.ts`) natively and with the arm64 Deno under
 * `qemu-aarch64-static`, and prints each operation's cost relative to `clock_gettime` on both.
 * Emulated times are meaningless in absolute terms; only these ratios are reported for aarch64.
 * Benches that spawn processes are skipped under emulation (the child would run natively).
 *
 * usage: deno run --allow-all tests/bench/arm64_ratios.ts
 *
 * @module
 */
import { arm64Missing, denoArgv, ROOT } from "../support/deno.ts";
import { describeMachine } from "./support/machine.ts";

/** The operation every ratio is relative to. */
const REFERENCE = "clock_gettime(CLOCK_REALTIME), reused buffer";

/** One bench's typical time (p75, ns), by name; `null` when it was skipped or failed. */
type Typical = Map<string, number | null>;

interface BenchJson {
  runtime: string;
  benches: {
    name: string;
    results: { ok?: { p75: number } }[];
  }[];
}

/** Runs `deno bench --json` on tests/bench/ with the host or the arm64 Deno. */
async function benchJson(arch: "host" | "aarch64"): Promise<{ runtime: string; typical: Typical }> {
  const [cmd, ...args] = denoArgv(["bench", "--json", "--allow-all", "tests/bench/"], { arch });
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  if (arch === "aarch64") env.MCP_UTC_TIME_BENCH_EMULATED = "1";
  const out = await new Deno.Command(cmd!, {
    args,
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  let parsed: BenchJson;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `Cannot read the ${arch} bench results: deno bench exited ${out.code} without JSON`,
      { cause: e },
    );
  }
  const typical: Typical = new Map();
  for (const b of parsed.benches) typical.set(b.name, b.results[0]?.ok?.p75 ?? null);
  return { runtime: parsed.runtime, typical };
}

function ratio(t: Typical, name: string): string {
  const v = t.get(name);
  const ref = t.get(REFERENCE);
  return v == null || ref == null ? "–" : `${(v / ref).toFixed(2)}`;
}

function ns(v: number | null | undefined): string {
  if (v == null) return "–";
  return v >= 1e6
    ? `${(v / 1e6).toFixed(1)} ms`
    : v >= 1e3
    ? `${(v / 1e3).toFixed(2)} µs`
    : `${v.toFixed(1)} ns`;
}

async function main(): Promise<void> {
  const missing = arm64Missing();
  if (missing.length > 0) {
    console.error(
      `\n!!! arm64_ratios: aarch64 UNAVAILABLE: ${
        missing.join("; ")
      } (run build/test_deps.sh as root)\n`,
    );
  }
  const started = new Date();
  const machine = describeMachine();
  const host = await benchJson("host");
  const arm = missing.length === 0 ? await benchJson("aarch64") : null;
  const lines = [
    "## in-process: each operation ÷ clock_gettime, natively and as aarch64 under qemu",
    "",
    `${started.toISOString()} · ${machine}`,
    "command: deno run --allow-all tests/bench/arm64_ratios.ts",
    `host: ${host.runtime}; aarch64: ${arm?.runtime ?? "unavailable"} (qemu-aarch64-static, ` +
    "emulated: ratios only). Typical = p75 of `deno bench`.",
    "",
    `| operation | ${Deno.build.arch} typical | ${Deno.build.arch} ratio | aarch64 (qemu) ratio |`,
    "|---|---|---|---|",
  ];
  for (const name of host.typical.keys()) {
    lines.push(
      `| ${name} | ${ns(host.typical.get(name))} | ${ratio(host.typical, name)} | ${
        arm === null ? "–" : ratio(arm.typical, name)
      } |`,
    );
  }
  console.log(lines.join("\n"));
}

if (import.meta.main) await main();
