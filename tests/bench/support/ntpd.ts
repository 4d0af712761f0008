/**
 * Bench-only: an NTPsec `ntpd` for `ntpq -p` to talk to, consuming one of the bench's SHM units.
 * It runs as the rules demand — `setpriv --bounding-set -sys_time -- ntpd -n -c CONF` — so it
 * cannot touch this machine's clock. When some ntpd already listens on UDP 123 (another
 * developer's test), that one answers `ntpq -p` and none is started.
 *
 * @module
 */
import { hasCommand, isRoot } from "../../support/prereq.ts";

/** Whether something listens on UDP port 123 (from `/proc/net/udp` and `/proc/net/udp6`). */
export function udp123Busy(): boolean {
  for (const table of ["/proc/net/udp", "/proc/net/udp6"]) {
    try {
      const lines = Deno.readTextFileSync(table).split("\n").slice(1);
      if (lines.some((l) => /^\s*\d+: [0-9A-F]+:007B /.test(l))) return true;
    } catch {
      // no IPv6 table
    }
  }
  return false;
}

/** Why this bench cannot start an ntpd here (empty when it can). */
export function ntpdMissing(): string[] {
  const r: string[] = [];
  if (!hasCommand("ntpd") || !hasCommand("ntpq")) r.push("ntpsec is not installed (apt ntpsec)");
  if (!hasCommand("setpriv")) r.push("setpriv is missing");
  if (!isRoot()) r.push("ntpd needs root to bind UDP 123");
  return r;
}

/** An ntpd started for the bench; dispose (synchronously) to stop it and remove its directory. */
export class BenchNtpd implements Disposable {
  readonly #child: Deno.ChildProcess;
  readonly #dir: string;

  private constructor(child: Deno.ChildProcess, dir: string) {
    this.#child = child;
    this.#dir = dir;
  }

  /**
   * Starts ntpd with only `refclock shm unit UNIT` and queries allowed from localhost, and waits
   * (up to 30 s, polling) until `ntpq -p` lists the refclock.
   *
   * @throws {Error} "Cannot start ntpd: …" when it does not answer in time (with its log).
   */
  static async start(unit: number): Promise<BenchNtpd> {
    const dir = await Deno.makeTempDir({ prefix: "mcp-utc-time-bench-ntpd-" });
    const conf = `${dir}/ntp.conf`;
    await Deno.writeTextFile(
      conf,
      [
        `logfile ${dir}/ntpd.log`,
        "restrict default kod nomodify noquery limited",
        "restrict 127.0.0.1",
        "restrict ::1",
        `refclock shm unit ${unit} refid BNCH`,
        "",
      ].join("\n"),
    );
    const child = new Deno.Command("setpriv", {
      args: ["--bounding-set", "-sys_time", "--", "ntpd", "-n", "-c", conf],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const ntpd = new BenchNtpd(child, dir);
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      const out = await new Deno.Command("ntpq", { args: ["-p"], stdout: "piped", stderr: "null" })
        .output();
      if (out.success && new TextDecoder().decode(out.stdout).includes(`SHM(${unit})`)) return ntpd;
      await new Promise((r) => setTimeout(r, 200));
    }
    let log = "";
    try {
      log = Deno.readTextFileSync(`${dir}/ntpd.log`);
    } catch {
      // no log yet
    }
    ntpd[Symbol.dispose]();
    throw new Error(
      `Cannot start ntpd: ntpq -p did not list SHM(${unit}) within 30 s. Log:\n${log}`,
    );
  }

  /** Stops ntpd (SIGTERM; it exits at once) and removes its directory. */
  [Symbol.dispose](): void {
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // already exited
    }
    Deno.removeSync(this.#dir, { recursive: true });
  }
}
