/**
 * Test-only: gpsd as the real NTP SHM writer, fed by a live 1 Hz NMEA stream over TCP.
 *
 * {@linkcode NmeaFeeder} serves, to every client, one RMC + GGA pair per second carrying the
 * current UTC second (correct checksums); {@linkcode startGpsd} runs
 * `gpsd -N -n -S PORT -P PIDFILE tcp://127.0.0.1:NMEAPORT` reading it. As root, gpsd then creates
 * NTP SHM units 0-7 and writes a sample to unit 0 about once a second. Hold
 * {@linkcode lockUnits0to7} while gpsd runs, and stop it (which removes the segments it created).
 *
 * @module
 */
import { Daemon } from "./daemon.ts";
import { hasCommand, isRoot } from "./prereq.ts";

/** The NMEA checksum: XOR of the characters between `$` and `*`, two uppercase hex digits. */
export function nmeaChecksum(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return x.toString(16).toUpperCase().padStart(2, "0");
}

/** `$body*CS\r\n`. */
export function nmeaSentence(body: string): string {
  return `$${body}*${nmeaChecksum(body)}\r\n`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * An RMC + GGA pair reporting a 3D fix at `utc` (whole seconds; a fixed position near
 * Munich), as a receiver sends once per second.
 */
export function nmeaFix(utc: Date): string {
  const hms = `${pad2(utc.getUTCHours())}${pad2(utc.getUTCMinutes())}${
    pad2(utc.getUTCSeconds())
  }.00`;
  const dmy = `${pad2(utc.getUTCDate())}${pad2(utc.getUTCMonth() + 1)}${
    pad2(utc.getUTCFullYear() % 100)
  }`;
  return nmeaSentence(`GPRMC,${hms},A,4807.0380,N,01131.0000,E,0.0,0.0,${dmy},,,A`) +
    nmeaSentence(`GPGGA,${hms},4807.0380,N,01131.0000,E,1,08,0.9,545.4,M,46.9,M,,`);
}

/** A TCP server sending {@linkcode nmeaFix} for the current UTC second, once per second. */
export class NmeaFeeder implements AsyncDisposable {
  readonly port: number;
  /** Fix pairs sent (to all clients). */
  sent = 0;
  readonly #listener: Deno.TcpListener;
  readonly #conns = new Set<Deno.TcpConn>();
  readonly #accepting: Promise<void>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  private constructor(listener: Deno.TcpListener) {
    this.#listener = listener;
    this.port = listener.addr.port;
    this.#accepting = this.#accept();
    this.#schedule();
  }

  /** Listens on 127.0.0.1:`port` and starts the 1 Hz feed. */
  static start(port: number): NmeaFeeder {
    return new NmeaFeeder(Deno.listen({ hostname: "127.0.0.1", port }));
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) this.#conns.add(conn);
    } catch (e) {
      if (!this.#closed) throw e;
    }
  }

  /** Sends just after each UTC second boundary, as a receiver does. */
  #schedule(): void {
    const delay = 1000 - (Date.now() % 1000) + 20;
    this.#timer = setTimeout(() => {
      this.#send();
      if (!this.#closed) this.#schedule();
    }, delay);
  }

  #send(): void {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const bytes = new TextEncoder().encode(nmeaFix(now));
    for (const conn of this.#conns) {
      conn.write(bytes).catch(() => {
        this.#conns.delete(conn);
        conn.close();
      });
    }
    if (this.#conns.size > 0) this.sent++;
  }

  /** Stops the feed and closes every connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#listener.close();
    await this.#accepting;
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // closed by the peer
      }
    }
    this.#conns.clear();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Why gpsd-based tests cannot run here (empty when they can). */
export function gpsdMissing(): string[] {
  const r: string[] = [];
  if (!hasCommand("gpsd")) r.push("gpsd is not installed (apt gpsd)");
  if (!isRoot()) r.push("gpsd creates NTP SHM units 0-1 only as root: run as root");
  return r;
}

/**
 * Starts `gpsd -N -n -S controlPort -P <dir>/gpsd.pid tcp://127.0.0.1:nmeaPort` (foreground, no
 * waiting for clients). Stop it with `await using` or `stop()`: that also removes the segments it
 * created.
 */
export async function startGpsd(controlPort: number, nmeaPort: number): Promise<Daemon> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-utc-time-gpsd-" });
  return await Daemon.spawn("gpsd", "gpsd", [
    "-N",
    "-n",
    "-S",
    String(controlPort),
    "-P",
    `${dir}/gpsd.pid`,
    `tcp://127.0.0.1:${nmeaPort}`,
  ], { dir });
}
