/**
 * Test-only: run with exactly the permission flags of `deno task start` (in place of main.ts),
 * it tries what the server must not be able to do — network, file writes, subprocesses, other
 * native libraries, reading outside its scope — and what it needs (libc, /proc/sysvipc), and
 * prints one JSON object `{ attempt: "allowed" | "denied: <Error>: <message>" }` on stdout.
 *
 * Usage: `probe PORT WRITE_PATH OTHER_LIBRARY`.
 *
 * @module
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as childProcess from "node:child_process";
import { libcPath } from "../../src/ffi/libc.ts";

const [port, writePath, otherLibrary] = [Number(Deno.args[0]), Deno.args[1]!, Deno.args[2]!];

const results: Record<string, string> = {};

async function attempt(what: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
    results[what] = "allowed";
  } catch (e) {
    const err = e as Error;
    results[what] = `denied: ${err.name}: ${err.message.split("\n")[0]}`;
  }
}

await attempt(
  "Deno.connect",
  async () => (await Deno.connect({ hostname: "127.0.0.1", port })).close(),
);
await attempt("fetch", async () => await (await fetch(`http://127.0.0.1:${port}/`)).body?.cancel());
await attempt("node:net connect", () =>
  new Promise<void>((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => {
      s.destroy();
      resolve();
    });
    s.on("error", reject);
  }));
await attempt("Deno.listen", () => Deno.listen({ hostname: "127.0.0.1", port: port + 1 }).close());
await attempt("Deno.writeTextFile", () => Deno.writeTextFile(writePath, "x"));
await attempt("node:fs writeFileSync", () => fs.writeFileSync(writePath, "x"));
await attempt("Deno.mkdir", () => Deno.mkdir(`${writePath}.d`));
await attempt("Deno.Command", () => new Deno.Command("/bin/true").outputSync());
await attempt("node:child_process spawnSync", () => {
  const r = childProcess.spawnSync("/bin/true");
  if (r.error) throw r.error;
});
await attempt("Deno.dlopen other library", () => Deno.dlopen(otherLibrary, {}).close());
await attempt("Deno.dlopen libc", () => Deno.dlopen(libcPath(), {}).close());
await attempt("read /etc/passwd", () => Deno.readTextFileSync("/etc/passwd"));
await attempt("Deno.env.get", () => Deno.env.get("HOME"));
await attempt("read /proc/sysvipc/shm", () => Deno.readTextFileSync("/proc/sysvipc/shm"));
console.log(JSON.stringify(results));
