/**
 * Test-only: NTPsec `ntpd` and `chronyd` as NTP SHM consumers (they create their segments and
 * clear `valid` after each sample). Both run with CAP_SYS_TIME removed from the bounding set, and
 * chronyd with `-x`, so this machine's clock is never touched.
 *
 * @module
 */
import { Daemon } from "./daemon.ts";
import { ROOT } from "./deno.ts";
import { hasCommand, isRoot } from "./prereq.ts";

/** The chronyd unpacked by build/test_deps.sh (the chrony package conflicts with ntpsec). */
export const CHRONYD = `${ROOT}/.deno/chrony/usr/sbin/chronyd`;

/** Why ntpd-based tests cannot run (empty when they can). */
export function ntpdMissing(): string[] {
  const r: string[] = [];
  if (!hasCommand("ntpd")) r.push("NTPsec ntpd is not installed (apt ntpsec)");
  if (!hasCommand("setpriv")) r.push("setpriv is missing (util-linux)");
  if (!isRoot()) r.push("ntpd creates root-owned segments only as root: run as root");
  return r;
}

/** Why chronyd-based tests cannot run (empty when they can). */
export function chronydMissing(): string[] {
  const r: string[] = [];
  if (!hasCommand(CHRONYD)) r.push(`chronyd is not unpacked at ${CHRONYD}`);
  if (!hasCommand("setpriv")) r.push("setpriv is missing (util-linux)");
  if (!isRoot()) r.push("chronyd -u root needs root");
  return r;
}

/**
 * Starts `setpriv --bounding-set -sys_time -- ntpd -n -c CONF` with one SHM refclock per entry of
 * `units` (`private` adds NTPsec's `mode 1`, which makes the segment 0600). ntpd listens on
 * no interface.
 */
export async function startNtpd(units: { unit: number; private?: boolean }[]): Promise<Daemon> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-utc-time-ntpd-" });
  const conf = [
    `driftfile ${dir}/drift`,
    "interface ignore all",
    ...units.flatMap(({ unit, private: p }) => [
      `server 127.127.28.${unit} minpoll 4 maxpoll 4${p ? " mode 1" : ""}`,
      `fudge 127.127.28.${unit} refid SHM${unit}`,
    ]),
  ].join("\n");
  await Deno.writeTextFile(`${dir}/ntp.conf`, conf + "\n");
  return await Daemon.spawn("ntpd", "setpriv", [
    "--bounding-set",
    "-sys_time",
    "--",
    "ntpd",
    "-n",
    "-c",
    `${dir}/ntp.conf`,
    "-l",
    `${dir}/ntpd.messages`,
  ], { dir });
}

/**
 * Starts `setpriv --bounding-set -sys_time -- chronyd -x -d -u root -f CONF` with one SHM
 * refclock per entry of `units` (`perm` e.g. "0666"; chrony's default is 0600). No NTP or command
 * port.
 */
export async function startChronyd(units: { unit: number; perm?: string }[]): Promise<Daemon> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-utc-time-chronyd-" });
  await Deno.chmod(dir, 0o700);
  const conf = [
    "port 0",
    "cmdport 0",
    `pidfile ${dir}/chronyd.pid`,
    ...units.map(({ unit, perm }) =>
      `refclock SHM ${unit}${perm ? `:perm=${perm}` : ""} refid SHM${unit} poll 0`
    ),
  ].join("\n");
  await Deno.writeTextFile(`${dir}/chrony.conf`, conf + "\n");
  return await Daemon.spawn("chronyd", "setpriv", [
    "--bounding-set",
    "-sys_time",
    "--",
    CHRONYD,
    "-x",
    "-d",
    "-u",
    "root",
    "-f",
    `${dir}/chrony.conf`,
  ], { dir });
}
