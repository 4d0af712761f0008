/**
 * Test-only: runs the PPS monitor as the server does and prints JSON lines on stdout, for tests
 * that run it under `deno task start`'s permission flags (on the host, or in the PPS rig's guest).
 *
 * - `{"t":"pulse","seq":N,"unix_ns":"…"}` for each new assert the report shows;
 * - `{"t":"report","phase":"pulsing","report":{…}}` once `--pulses` asserts in a row were read
 *   with no sequence gap (a stalled event loop, e.g. while a slow emulated guest starts, can let
 *   two asserts pass between polls; the report counts those as `sequence_gaps`), or
 *   `"phase":"final"` at once when no source can be read, then exit 0;
 * - with `--until-stopped`: `{"t":"report","phase":"stopped",…}` when the state leaves `active`.
 *
 * Exits 1 with `"phase":"timeout"` when `--timeout` seconds pass first.
 *
 * usage: pps_probe.ts [--device auto|none|PATH] [--pulses 7] [--until-stopped] [--timeout 120]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { PpsMonitor, type PpsReport } from "../../src/pps/monitor.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    device: { type: "string", default: "auto" },
    pulses: { type: "string", default: "7" },
    "until-stopped": { type: "boolean", default: false },
    timeout: { type: "string", default: "120" },
  },
});
const pulses = Number(values.pulses);
const deadline = Date.now() + Number(values.timeout) * 1000;

function emit(o: unknown): void {
  console.log(JSON.stringify(o));
}

using monitor = new PpsMonitor({ device: values.device }).start();
let lastNs: string | null = null;
let phase: "pulsing" | "stopping" = "pulsing";
let gaps = 0;
let sinceGap = monitor.pulsesSeen; // pulses_seen when the last sequence gap was counted
for (;;) {
  const r: PpsReport = monitor.report();
  if (r.last_assert_unix_ns !== null && r.last_assert_unix_ns !== lastNs) {
    lastNs = r.last_assert_unix_ns;
    emit({ t: "pulse", seq: r.assert_sequence, unix_ns: lastNs });
  }
  if (r.source === null) {
    emit({ t: "report", phase: "final", report: r });
    break;
  }
  if (r.sequence_gaps !== gaps) {
    gaps = r.sequence_gaps;
    sinceGap = r.pulses_seen;
  }
  if (phase === "pulsing" && r.pulses_seen - sinceGap >= pulses && r.state === "active") {
    emit({ t: "report", phase: "pulsing", report: r });
    if (!values["until-stopped"]) break;
    phase = "stopping";
  } else if (phase === "stopping" && r.state !== "active") {
    emit({ t: "report", phase: "stopped", report: r });
    break;
  }
  if (Date.now() > deadline) {
    emit({ t: "report", phase: "timeout", report: r });
    Deno.exitCode = 1;
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
