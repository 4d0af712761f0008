/**
 * In-process cost of reading the PPS source: `PPS_FETCH` with a zero timeout on a real device,
 * and — on hosts without one, like these build machines — the no-device path the monitor takes
 * (looking the source up in /sys/class/pps) and the PPS report built from it.
 *
 * @module
 */
import { PpsDevice } from "../../src/ffi/pps.ts";
import { PpsMonitor } from "../../src/pps/monitor.ts";
import { listPpsSources } from "../../src/pps/sysfs.ts";

/** The first PPS device this process can open, or why there is none. */
function openFirstDevice(): { dev: PpsDevice | null; why: string[] } {
  const first = listPpsSources()[0];
  if (first === undefined) {
    return { dev: null, why: ["no PPS device on this host (/sys/class/pps is empty)"] };
  }
  try {
    return { dev: PpsDevice.open(first.device), why: [] };
  } catch (e) {
    return { dev: null, why: [`cannot open ${first.device}: ${(e as Error).message}`] };
  }
}

const { dev, why } = openFirstDevice();
if (why.length > 0) {
  console.error(`\n!!! pps_bench: PPS_FETCH UNAVAILABLE: ${why.join("; ")}\n`);
}
const monitor = new PpsMonitor({ device: "auto" });
monitor.poll();
let sink = 0;

Deno.bench({
  name: "PPS_FETCH, zero timeout (device)",
  group: "pps",
  ignore: why.length > 0,
  fn() {
    sink ^= dev!.fetch().assert.sequence;
  },
});

Deno.bench({
  name: "PPS source lookup in /sys/class/pps",
  group: "pps",
  fn() {
    sink ^= listPpsSources().length;
  },
});

Deno.bench({
  name: "PPS report (includes ntp_adjtime for the kernel PPS state)",
  group: "pps",
  fn() {
    sink ^= monitor.report().state.length;
  },
});

globalThis.addEventListener("unload", () => {
  monitor[Symbol.dispose]();
  dev?.[Symbol.dispose]();
  if (sink === 0.5) console.error(sink); // never true: keeps `sink` observable
});
