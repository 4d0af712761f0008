/**
 * Reliability/security: what the permission flags of `deno task start` allow. A probe script run
 * with exactly those flags (read from deno.json) tries the network, file writes, subprocesses and
 * other native libraries. TCP ports 29200-29201.
 */
import assert from "node:assert/strict";
import { libcPath } from "../src/ffi/libc.ts";
import { ROOT, startFlags } from "./support/deno.ts";

const PORT = 29200;
const support = (name: string) => new URL(`./support/${name}`, import.meta.url).pathname;

Deno.test("the start flags deny network, writes, subprocesses and other libraries; allow libc", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sandbox_" });
  const writePath = `${dir}/written-by-server`;
  const otherLibrary = libcPath().replace("libc.so.6", "libm.so.6");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: PORT });
  let connections = 0;
  const accepting = (async () => {
    for await (const c of listener) {
      connections++;
      c.close();
    }
  })();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...startFlags(),
        support("sandbox_probe.ts"),
        String(PORT),
        writePath,
        otherLibrary,
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const r: Record<string, string> = JSON.parse(new TextDecoder().decode(out.stdout));
    console.error(
      `sandbox probe (flags: ${startFlags().join(" ")}):\n` +
        Object.entries(r).map(([k, v]) => `  ${k}: ${v}`).join("\n"),
    );
    for (
      const what of [
        "Deno.connect",
        "fetch",
        "node:net connect",
        "Deno.listen",
        "Deno.writeTextFile",
        "node:fs writeFileSync",
        "Deno.mkdir",
        "Deno.Command",
        "node:child_process spawnSync",
        "Deno.dlopen other library",
        "read /etc/passwd",
        "Deno.env.get",
      ]
    ) {
      assert.match(
        r[what] ?? "missing",
        /^denied: (NotCapable|Error|TypeError)\b.*(Requires|NotCapable|permission)/i,
        what,
      );
    }
    assert.equal(r["Deno.dlopen libc"], "allowed");
    // Not asserted, reported: Deno 2.9 demands --allow-all for any path under /proc or /sys
    // (and most of /dev), whatever --allow-read grants; see tests/RELIABILITY.md.
    assert.equal(connections, 0, "a connection reached the listener");
    assert.throws(() => Deno.statSync(writePath), Deno.errors.NotFound);
    assert.throws(() => Deno.statSync(`${writePath}.d`), Deno.errors.NotFound);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    Deno.removeSync(dir, { recursive: true });
  }
});
