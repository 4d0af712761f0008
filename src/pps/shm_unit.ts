/**
 * The SHM unit that carries PPS: unit 1, as NTPsec's usual gpsd setup names it (`server
 * 127.127.28.1 refid PPS`; gpsd writes its PPS samples to the unit after the serial time's).
 *
 * @module
 */
import type { UnitReport } from "../shm/report.ts";

/** The NTP SHM unit gpsd fills with PPS samples (`refid PPS` in NTPsec's config). */
export const PPS_SHM_UNIT = 1;

/**
 * The report of the PPS SHM unit among `units`, when it is watched and carries samples
 * (any sample seen since start); otherwise null.
 */
export function ppsShmUnit(units: readonly UnitReport[]): UnitReport | null {
  const u = units.find((r) => r.unit === PPS_SHM_UNIT);
  return u !== undefined && (u.stats.samples_seen > 0 || u.last_sample !== null) ? u : null;
}
