/**
 * Test-only: a live NTP SHM producer in its own process (so a test can kill it mid-stream).
 * Creates unit UNIT (mode 0644) and writes the current time every PERIOD_MS with gpsd's sequence
 * (mode 1, reference = receive = CLOCK_REALTIME now, so the sample is fresh); with CONSUME_MS > 0
 * it also clears `valid` that long after each write, as NTPsec (~450 ms) and chrony (~300 ms) do.
 * Prints `ready` once the first sample is written. The segment is removed on SIGTERM, left
 * behind on SIGKILL (as gpsd leaves it).
 *
 * Run: `deno run --allow-ffi --allow-read live_writer.ts UNIT PERIOD_MS [CONSUME_MS]`.
 *
 * @module
 */
import { ReadyChild } from "./ready_child.ts";
import { TestSegment } from "./shm_writer.ts";

/** Starts a live writer on `unit` (see the module doc) and waits until it has written. */
export function startLiveWriter(
  unit: number,
  periodMs: number,
  consumeMs = 0,
): Promise<ReadyChild> {
  return ReadyChild.start(["--allow-ffi", "--allow-read"], "live_writer.ts", [
    String(unit),
    String(periodMs),
    String(consumeMs),
  ]);
}

function main(): void {
  const unit = Number(Deno.args[0]);
  const periodMs = Number(Deno.args[1]);
  const consumeMs = Number(Deno.args[2] ?? 0);
  if (!Number.isInteger(unit) || !(periodMs > 0)) {
    throw new TypeError(
      "Cannot start live writer: usage: live_writer.ts UNIT PERIOD_MS [CONSUME_MS]",
    );
  }
  const seg = TestSegment.create(unit, 0o644);
  const writeNow = () => {
    const ms = Date.now();
    const sec = Math.floor(ms / 1000);
    const nsec = (ms - sec * 1000) * 1_000_000;
    seg.write({ clockSec: sec, clockNsec: nsec, receiveSec: sec, receiveNsec: nsec });
    if (consumeMs > 0) setTimeout(() => seg.consume(), consumeMs);
  };
  writeNow();
  const timer = setInterval(writeNow, periodMs);
  Deno.addSignalListener("SIGTERM", () => {
    clearInterval(timer);
    seg[Symbol.dispose]();
    Deno.exit(0);
  });
  console.log("ready");
}

if (import.meta.main) main();
