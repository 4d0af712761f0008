/**
 * The full status object (4 NTP SHM units + PPS + kernel state; target ≤ 10 µs) against
 * `ntpq -p` as a whole process (≈ 62 ms), in one group so `deno bench` prints the ratio.
 * The units are the bench's own (70-73), fed live at 1 Hz; an ntpd (clock-proof, see
 * `support/ntpd.ts`) consumes unit 70 and answers `ntpq -p`. On this host there is no PPS
 * device, so the PPS part is its no-device path.
 *
 * @module
 */
import { readKernelClock } from "../../src/kernel/read.ts";
import { PpsMonitor } from "../../src/pps/monitor.ts";
import { ShmMonitor } from "../../src/shm/monitor.ts";
import { ntpStatus, type StatusSources } from "../../src/status.ts";
import { hasCommand, skipUnless } from "../support/prereq.ts";
import { BenchNtpd, ntpdMissing, udp123Busy } from "./support/ntpd.ts";
import { BENCH_SHM_UNITS } from "./support/servers.ts";
import { ShmFeed } from "./support/shm_feed.ts";

/** Set by `arm64_ratios.ts`: under qemu-user, a spawned process runs natively (no ratio). */
const EMULATED = Deno.env.get("MCP_UTC_TIME_BENCH_EMULATED") === "1";

const feed = new ShmFeed(BENCH_SHM_UNITS);
const shm = new ShmMonitor({ units: BENCH_SHM_UNITS });
const pps = new PpsMonitor({ device: "auto" });
const sources: StatusSources = { shm, pps, kernel: readKernelClock };
shm.poll();
pps.poll();

/** Starts an ntpd for `ntpq -p` unless one already answers; says loudly when there is none. */
async function ntpdForNtpq(): Promise<{ ntpd: BenchNtpd | null; answering: boolean }> {
  if (EMULATED) return { ntpd: null, answering: false };
  if (udp123Busy()) return { ntpd: null, answering: true }; // another developer's ntpd answers
  const why = ntpdMissing();
  if (why.length === 0) {
    try {
      return { ntpd: await BenchNtpd.start(BENCH_SHM_UNITS[0]), answering: true };
    } catch (e) {
      why.push((e as Error).message);
    }
  }
  console.error(
    `\n!!! status_bench: no ntpd answers (${why.join("; ")}): measuring \`ntpq -p\` anyway; ` +
      "it then fails fast with a socket error, so its time is a lower bound\n",
  );
  return { ntpd: null, answering: false };
}

const { ntpd, answering } = await ntpdForNtpq();
const ntpqName = `ntpq -p (whole process${answering ? "" : ", no ntpd answering"})`;

let sink = 0;

Deno.bench({
  name: "status object (4 SHM units + PPS + kernel)",
  group: "status",
  baseline: true,
  fn() {
    sink ^= ntpStatus(sources).shm.length;
  },
});

Deno.bench({
  name: "poll every source, then the status object",
  group: "status",
  fn() {
    shm.poll();
    pps.poll();
    sink ^= ntpStatus(sources).shm.length;
  },
});

Deno.bench({
  name: "status object as JSON text",
  group: "status",
  fn() {
    sink ^= JSON.stringify(ntpStatus(sources)).length;
  },
});

Deno.bench({
  name: ntpqName,
  group: "status",
  // Under qemu-user the child would run natively: its ratio to emulated code means nothing.
  ignore: EMULATED ||
    skipUnless(ntpqName, hasCommand("ntpq") ? [] : ["ntpq is missing (apt ntpsec)"]),
  n: 30,
  warmup: 3,
  fn() {
    const out = new Deno.Command("ntpq", { args: ["-p"], stdout: "piped", stderr: "piped" })
      .outputSync();
    sink ^= out.stdout.length;
  },
});

globalThis.addEventListener("unload", () => {
  shm[Symbol.dispose]();
  pps[Symbol.dispose]();
  ntpd?.[Symbol.dispose]();
  feed[Symbol.dispose]();
  if (sink === 0.5) console.error(sink); // never true: keeps `sink` observable
});
