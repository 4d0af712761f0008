/**
 * install.sh end to end: a local HTTP server on 127.0.0.1 (ports 29400-29499) serves a release
 * directory (SHA256SUMS + one executable per target, with their real checksums); install.sh runs
 * under `sh` with a temporary HOME, TMPDIR and udev directory.
 */
import assert from "node:assert/strict";
import { sha256File } from "../build/compile.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const INSTALL = `${ROOT}install.sh`;
const VERSION = "9.8.7";
const TARGETS = ["aarch64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"];

/** The release asset served for a target: a real POSIX sh executable that answers --check. */
function assetScript(target: string): string {
  return `#!/bin/sh
# release asset served by tests/install_test.ts for ${target}
echo "asset ${target} ran with: $*"
exit 1
`;
}

/** A release directory served over HTTP, and a request log. */
class Release implements AsyncDisposable {
  readonly dir: string;
  readonly requests: string[] = [];
  readonly server: Deno.HttpServer<Deno.NetAddr>;
  readonly url: string;

  private constructor(dir: string, server: Deno.HttpServer<Deno.NetAddr>, port: number) {
    this.dir = dir;
    this.server = server;
    this.url = `http://127.0.0.1:${port}/releases/v${VERSION}`;
  }

  static async start(): Promise<Release> {
    const dir = await Deno.makeTempDir({ prefix: "install_test_release_" });
    const lines = [];
    for (const t of TARGETS) {
      const name = `mcp-utc-time-${VERSION}-${t}`;
      await Deno.writeTextFile(`${dir}/${name}`, assetScript(t), { mode: 0o755 });
      lines.push(`${await sha256File(`${dir}/${name}`)}  ${name}\n`);
    }
    await Deno.writeTextFile(`${dir}/SHA256SUMS`, lines.join(""));
    const holder: { release?: Release } = {};
    for (let port = 29400; port < 29500; port++) {
      let server: Deno.HttpServer<Deno.NetAddr>;
      try {
        server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, async (req) => {
          const path = new URL(req.url).pathname;
          holder.release!.requests.push(path);
          const prefix = `/releases/v${VERSION}/`;
          const file = path.startsWith(prefix) ? path.slice(prefix.length) : "";
          if (file === "" || file.includes("/")) return new Response("not found", { status: 404 });
          try {
            return new Response(await Deno.readFile(`${dir}/${file}`));
          } catch {
            return new Response("not found", { status: 404 });
          }
        });
      } catch (e) {
        if (e instanceof Deno.errors.AddrInUse) continue;
        throw e;
      }
      holder.release = new Release(dir, server, port);
      return holder.release;
    }
    throw new Error("Cannot serve the test release: ports 29400-29499 are all in use");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.server.shutdown();
    await Deno.remove(this.dir, { recursive: true });
  }
}

/** A temporary HOME (with TMPDIR and a udev directory inside) for one installer run. */
class Home implements AsyncDisposable {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  static async create(): Promise<Home> {
    const path = await Deno.makeTempDir({ prefix: "install_test_home_" });
    await Deno.mkdir(`${path}/tmp`);
    await Deno.mkdir(`${path}/udev`);
    return new Home(path);
  }
  get bin(): string {
    return `${this.path}/.local/bin/mcp-utc-time`;
  }
  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.path, { recursive: true });
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function install(home: Home, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = await new Deno.Command("sh", {
    args: [INSTALL, ...args],
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: home.path,
      TMPDIR: `${home.path}/tmp`,
      MCP_UTC_TIME_UDEV_DIR: `${home.path}/udev`,
      MCP_UTC_TIME_ARCH: "x86_64",
      ...env,
    },
    cwd: home.path,
    stdin: "null",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function tmpIsEmpty(home: Home): Promise<void> {
  assert.deepEqual(await Array.fromAsync(Deno.readDir(`${home.path}/tmp`)), []);
}

const shellcheck = await new Deno.Command("sh", { args: ["-c", "command -v shellcheck"] })
  .output();
if (!shellcheck.success) {
  console.error(
    "install_test: SKIP shellcheck test: shellcheck is not installed (build/test_deps.sh)",
  );
}
Deno.test({
  name: "install.sh is shellcheck-clean (with build/*.sh and .ci/run)",
  ignore: !shellcheck.success,
}, async () => {
  const out = await new Deno.Command("shellcheck", {
    args: ["install.sh", "build/deno.sh", "build/test.sh", "build/test_deps.sh", ".ci/run"],
    cwd: ROOT,
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stdout));
});

Deno.test("fresh install, then re-install: verified, installed, --check run, idempotent", async () => {
  await using rel = await Release.start();
  await using home = await Home.create();
  const want = await sha256File(`${rel.dir}/mcp-utc-time-${VERSION}-x86_64-unknown-linux-gnu`);

  const first = await install(home, ["--base-url", rel.url]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, new RegExp(`SHA-256 verified: ${want}`));
  assert.match(
    first.stderr,
    /installed .*\/\.local\/bin\/mcp-utc-time \(mcp-utc-time-9\.8\.7-x86_64/,
  );
  assert.match(first.stderr, /asset x86_64-unknown-linux-gnu ran with: --check/);
  assert.match(first.stderr, /--check: degraded \(exit 1\)/);
  assert.equal(await sha256File(home.bin), want);
  assert.equal((await Deno.stat(home.bin)).mode! & 0o777, 0o755);
  assert.deepEqual(rel.requests, [
    `/releases/v${VERSION}/SHA256SUMS`,
    `/releases/v${VERSION}/mcp-utc-time-${VERSION}-x86_64-unknown-linux-gnu`,
  ]);
  // The client configs are printed, with the installed path, and nothing is merged unasked.
  assert.match(first.stderr, new RegExp(`claude-code \\(.*\\.claude\\.json\\): "mcpServers"`));
  assert.ok(first.stderr.includes(`"command": "${home.bin}"`));
  assert.equal(await exists(`${home.path}/.claude.json`), false);
  await tmpIsEmpty(home);

  const before = await Deno.stat(home.bin);
  const again = await install(home, ["--base-url", rel.url, "--no-check"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /mcp-utc-time is already this version \(mcp-utc-time-9\.8\.7-x86_64/);
  assert.doesNotMatch(again.stderr, /ran with: --check/);
  assert.deepEqual((await Deno.stat(home.bin)).mtime, before.mtime);
  await tmpIsEmpty(home);
});

Deno.test("the arch picks the asset; MCP_UTC_TIME_BASE_URL and --prefix are honoured", async () => {
  await using release = await Release.start();
  await using home = await Home.create();
  const r = await install(home, ["--prefix", `${home.path}/opt`, "--no-check"], {
    MCP_UTC_TIME_ARCH: "aarch64",
    MCP_UTC_TIME_BASE_URL: release.url,
  });
  assert.equal(r.code, 0, r.stderr);
  const bin = `${home.path}/opt/bin/mcp-utc-time`;
  assert.equal(await Deno.readTextFile(bin), assetScript("aarch64-unknown-linux-gnu"));
  assert.equal(await exists(home.bin), false);
  // A relative prefix is taken from the current directory; configs get the absolute path.
  const rel = await install(home, ["--prefix", "rel", "--no-check", "--configure", "claude-code"], {
    MCP_UTC_TIME_BASE_URL: release.url,
  });
  assert.equal(rel.code, 0, rel.stderr);
  const config = JSON.parse(await Deno.readTextFile(`${home.path}/.claude.json`));
  assert.equal(config.mcpServers["mcp-utc-time"].command, `${home.path}/rel/bin/mcp-utc-time`);
  assert.equal(
    await sha256File(`${home.path}/rel/bin/mcp-utc-time`),
    await sha256File(
      `${release.dir}/mcp-utc-time-${VERSION}-x86_64-unknown-linux-gnu`,
    ),
  );
});

Deno.test("a checksum mismatch aborts and leaves nothing behind", async () => {
  await using rel = await Release.start();
  await using home = await Home.create();
  const asset = `${rel.dir}/mcp-utc-time-${VERSION}-x86_64-unknown-linux-gnu`;
  const want = await sha256File(asset);
  const bytes = await Deno.readFile(asset);
  const at = bytes.length - 2;
  bytes[at] = bytes[at]! ^ 0x01; // one flipped bit in transit
  await Deno.writeFile(asset, bytes);
  const got = await sha256File(asset);

  const r = await install(home, ["--base-url", rel.url]);
  assert.equal(r.code, 1, r.stderr);
  assert.ok(
    r.stderr.includes(
      `install.sh: Cannot install mcp-utc-time-${VERSION}-x86_64-unknown-linux-gnu: SHA-256 mismatch` +
        ` (expected ${want}, downloaded ${got}). Nothing was installed; the download was deleted.\n`,
    ),
    r.stderr,
  );
  assert.equal(await exists(`${home.path}/.local`), false);
  await tmpIsEmpty(home);
});

Deno.test("32-bit ARM and unknown machines are refused before any download", async () => {
  await using rel = await Release.start();
  await using home = await Home.create();
  const arm = await install(home, ["--base-url", rel.url], { MCP_UTC_TIME_ARCH: "armv7l" });
  assert.equal(arm.code, 2);
  assert.equal(
    arm.stderr,
    "install.sh: Cannot install mcp-utc-time on armv7l: this is a 32-bit ARM system and Deno has" +
      " no build for it. Install the 64-bit (arm64) Raspberry Pi OS (Pi 3, 4, 5, Zero 2 W) and" +
      " run this again.\n",
  );
  const mips = await install(home, ["--base-url", rel.url], { MCP_UTC_TIME_ARCH: "mips64" });
  assert.equal(mips.code, 2);
  assert.match(mips.stderr, /Cannot install mcp-utc-time on mips64: release binaries exist for/);
  assert.deepEqual(rel.requests, []);
  await tmpIsEmpty(home);
});

Deno.test("bad flags, no base URL, and a missing asset are reported", async () => {
  await using rel = await Release.start();
  await using home = await Home.create();
  const flag = await install(home, ["--frobnicate"]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /unknown option '--frobnicate'/);
  const client = await install(home, ["--configure", "emacs"]);
  assert.equal(client.code, 2);
  assert.match(client.stderr, /Cannot configure 'emacs': clients are claude-desktop, claude-code/);
  const nourl = await install(home, []);
  assert.equal(nourl.code, 2);
  assert.match(nourl.stderr, /Cannot download: no release base URL\. Pass --base-url URL/);
  await Deno.writeTextFile(`${rel.dir}/SHA256SUMS`, "");
  const none = await install(home, ["--base-url", rel.url]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /Cannot find a x86_64-unknown-linux-gnu binary in http:.*SHA256SUMS/);
  const help = await install(home, ["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stderr, /--uninstall/);
  await tmpIsEmpty(home);
});

Deno.test("--configure merges into existing client configs, keeping other servers", async () => {
  await using rel = await Release.start();
  await using home = await Home.create();
  const claudeCode = `${home.path}/.claude.json`;
  const vscode = `${home.path}/.config/Code/User/mcp.json`;
  const desktop = `${home.path}/.config/Claude/claude_desktop_config.json`;
  const otherCode = {
    numStartups: 12,
    mcpServers: { weather: { type: "stdio", command: "/usr/bin/weather", args: ["-v"] } },
  };
  await Deno.writeTextFile(claudeCode, JSON.stringify(otherCode), { mode: 0o600 });
  await Deno.mkdir(`${home.path}/.config/Code/User`, { recursive: true });
  const otherVs = { servers: { git: { type: "stdio", command: "git-mcp" } }, inputs: [] };
  await Deno.writeTextFile(vscode, JSON.stringify(otherVs, null, 4));

  const r = await install(home, ["--base-url", rel.url, "--configure", "all", "--no-check"]);
  assert.equal(r.code, 0, r.stderr);
  const ours = { type: "stdio", command: home.bin, args: [] };
  assert.deepEqual(JSON.parse(await Deno.readTextFile(claudeCode)), {
    ...otherCode,
    mcpServers: { ...otherCode.mcpServers, "mcp-utc-time": ours },
  });
  assert.equal((await Deno.stat(claudeCode)).mode! & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(vscode)), {
    ...otherVs,
    servers: { ...otherVs.servers, "mcp-utc-time": ours },
  });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(desktop)), {
    mcpServers: { "mcp-utc-time": { command: home.bin, args: [] } },
  });
  assert.match(
    r.stderr,
    /merged the mcp-utc-time entry into .*\.claude\.json \(other servers kept\)/,
  );

  const again = await install(home, ["--base-url", rel.url, "--configure", "vscode", "--no-check"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /Code\/User\/mcp\.json already has the mcp-utc-time entry/);

  // A config with comments (JSONC) is not rewritten: the user is told to add the entry by hand.
  const jsonc = `{\n  // my servers\n  "servers": {}\n}\n`;
  await Deno.writeTextFile(vscode, jsonc);
  const c = await install(home, ["--base-url", rel.url, "--configure", "vscode", "--no-check"]);
  assert.equal(c.code, 1);
  assert.match(
    c.stderr,
    /Cannot edit .*mcp\.json: it is not plain JSON \(.*\); add the entry by hand/,
  );
  assert.equal(await Deno.readTextFile(vscode), jsonc);
  await tmpIsEmpty(home);
});

Deno.test("--pps-group installs the udev rule once; --uninstall removes everything it added", async () => {
  await using rel = await Release.start();
  await using home = await Home.create();
  const rule = `${home.path}/udev/60-mcp-utc-time-pps.rules`;
  const group = new TextDecoder().decode(
    (await new Deno.Command("id", { args: ["-gn"] }).output()).stdout,
  ).trim();
  const claudeCode = `${home.path}/.claude.json`;
  await Deno.writeTextFile(claudeCode, JSON.stringify({ mcpServers: { other: { command: "x" } } }));

  const r = await install(home, [
    "--base-url",
    rel.url,
    "--pps-group",
    group,
    "--configure",
    "claude-code",
    "--no-check",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    await Deno.readTextFile(rule),
    `SUBSYSTEM=="pps", KERNEL=="pps[0-9]*", GROUP="${group}", MODE="0640"\n`,
  );
  const again = await install(home, ["--base-url", rel.url, "--pps-group", group, "--no-check"]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /60-mcp-utc-time-pps\.rules is already in place/);
  const nogroup = await install(home, ["--base-url", rel.url, "--pps-group", "no-such-group-x"]);
  assert.equal(nogroup.code, 1);
  assert.match(nogroup.stderr, /group 'no-such-group-x' does not exist/);

  const u = await install(home, ["--uninstall"]);
  assert.equal(u.code, 0, u.stderr);
  assert.equal(await exists(home.bin), false);
  assert.equal(await exists(rule), false);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(claudeCode)), {
    mcpServers: { other: { command: "x" } },
  });
  assert.match(u.stderr, /removed the mcp-utc-time entry from .*\.claude\.json/);

  const u2 = await install(home, ["--uninstall"]);
  assert.equal(u2.code, 0, u2.stderr);
  assert.match(u2.stderr, /mcp-utc-time is not installed/);
  await tmpIsEmpty(home);
});
