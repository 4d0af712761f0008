/**
 * Test-only: the machine's SysV segments as the kernel lists them, cleanup of segments left by
 * daemons (gpsd, ntpd and chronyd never remove theirs), and the lock that serializes tests using
 * NTP SHM units 0-7 (gpsd creates all of them) across test processes.
 *
 * @module
 */
import { parseSysvipcShm, SYSVIPC_SHM } from "./sysvipc.ts";
import type { SegmentInfo } from "../../src/shm/decode.ts";
import { shmKey } from "../../src/shm/layout.ts";

/** One row of `/proc/sysvipc/shm`. */
export interface SegmentRow extends SegmentInfo {
  key: number;
}

/** Every segment with a non-zero key, from `/proc/sysvipc/shm`. */
export function listSegments(): SegmentRow[] {
  const text = Deno.readTextFileSync(SYSVIPC_SHM);
  const rows: SegmentRow[] = [];
  for (const line of text.split("\n").slice(1)) {
    const key = Number(line.trim().split(/\s+/)[0]);
    if (!Number.isInteger(key) || key === 0 || line.trim() === "") continue;
    const info = parseSysvipcShm(text, key);
    if (info !== null) rows.push({ key: key >>> 0, ...info });
  }
  return rows;
}

/** Keys of NTP SHM units `first`..`last` (inclusive). */
export function unitKeys(first: number, last: number): number[] {
  const keys = [];
  for (let u = first; u <= last; u++) keys.push(shmKey(u));
  return keys;
}

/**
 * The lines of `ipcs -m` whose key is one of `keys` (the real tool's view, for before/after
 * comparisons that other developers' segments cannot disturb).
 */
export async function ipcsLines(keys: readonly number[]): Promise<string[]> {
  const out = await new Deno.Command("ipcs", { args: ["-m"], stdout: "piped" }).output();
  const wanted = new Set(keys.map((k) => `0x${k.toString(16).padStart(8, "0")}`));
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) =>
    wanted.has(l.split(/\s+/)[0] ?? "")
  );
}

/** Removes (ipcrm -M) every segment created by process `pid`; returns the keys removed. */
export async function removeSegmentsCreatedBy(pid: number): Promise<number[]> {
  const keys = listSegments().filter((s) => s.cpid === pid).map((s) => s.key);
  for (const key of keys) {
    await new Deno.Command("ipcrm", { args: ["-M", `0x${key.toString(16)}`], stderr: "null" })
      .output();
  }
  return keys;
}

/** Env var set by a test that holds the units-0-7 lock for the child processes it starts. */
export const UNITS_LOCK_HELD_ENV = "MCP_UTC_TIME_SHM_UNITS_0_7_LOCKED";

/**
 * Takes the exclusive lock on SHM units 0-7 (a `flock` on a file in /tmp) for the life of the
 * returned handle, so that gpsd-, ntpd- and chronyd-based tests never overlap, even between
 * concurrent `deno test` runs. A child started by a lock holder (env
 * {@linkcode UNITS_LOCK_HELD_ENV}) inherits it and does not lock again.
 */
export async function lockUnits0to7(): Promise<AsyncDisposable> {
  if (Deno.env.get(UNITS_LOCK_HELD_ENV) === "1") return { [Symbol.asyncDispose]: async () => {} };
  const file = await Deno.open("/tmp/mcp-utc-time-shm-units-0-7.lock", {
    create: true,
    write: true,
  });
  await file.lock(true);
  return {
    [Symbol.asyncDispose]: async () => {
      await file.unlock();
      file.close();
    },
  };
}
