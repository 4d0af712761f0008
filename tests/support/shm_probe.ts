/**
 * Test-only program: runs the SHM monitor over some units for a while and prints its report as
 * JSON on stdout. Tests run it as another user or architecture, with the `start` task's flags.
 *
 * usage: shm_probe.ts UNITS DURATION_MS [POLL_MS]   e.g. shm_probe.ts 4,5 1500 100
 *
 * @module
 */
import { currentUid } from "../../src/ffi/system.ts";
import { ShmMonitor } from "../../src/shm/monitor.ts";

const [unitsArg, durationArg, pollArg] = Deno.args;
if (unitsArg === undefined || durationArg === undefined) {
  console.error("usage: shm_probe.ts UNITS DURATION_MS [POLL_MS]");
  Deno.exit(2);
}
const units = unitsArg.split(",").map(Number);
{
  using monitor = new ShmMonitor({ units, pollMs: Number(pollArg ?? 100) }).start();
  await new Promise((resolve) => setTimeout(resolve, Number(durationArg)));
  monitor.poll();
  console.log(
    JSON.stringify({ arch: Deno.build.arch, uid: currentUid(), units: monitor.report() }),
  );
}
