/**
 * build/compile.ts: the permission flags come from the start task, the base runtime (denort)
 * is chosen per target and checked, an offline build without it fails fast naming the variable,
 * and a build writes the asset and a SHA256SUMS that `sha256sum -c` accepts.
 */
import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import {
  assetName,
  checkDenort,
  compileArgs,
  denortVariable,
  elfMachine,
  parseRunTask,
  resolveDenort,
  sha256sums,
  startTask,
  TARGETS,
} from "../build/compile.ts";
import { startFlags } from "./support/deno.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const COMPILE = `${ROOT}build/compile.ts`;
/** A real aarch64 ELF file on this machine (Debian libc6-arm64-cross, see build/test_deps.sh). */
const ARM64_ELF = "/usr/aarch64-linux-gnu/lib/libc.so.6";

Deno.test("the compiled binary gets exactly the start task's permission flags", () => {
  // The flags as the tests that spawn the server read them (tests/support/deno.ts).
  const flags = startFlags();
  assert.ok(flags.some((f) => f.startsWith("--allow-ffi=")));
  for (const target of TARGETS) {
    const args = compileArgs(target, startTask(), "/tmp/out");
    assert.deepEqual(args, [
      "compile",
      "--target",
      target,
      ...flags,
      "--output",
      "/tmp/out",
      "main.ts",
    ]);
    assert.ok(!args.some((a) => a === "-A" || a === "--allow-all" || a.startsWith("--allow-net")));
  }
});

Deno.test("parseRunTask accepts deno run FLAGS ENTRY and rejects anything else", () => {
  assert.deepEqual(parseRunTask("deno run --allow-ffi --allow-read=/dev main.ts"), {
    flags: ["--allow-ffi", "--allow-read=/dev"],
    entry: "main.ts",
  });
  assert.deepEqual(parseRunTask("  deno   run main.ts "), { flags: [], entry: "main.ts" });
  const cases: [string, string][] = [
    ["deno task start", 'expected "deno run FLAGS… ENTRY", got "deno task start"'],
    ["deno run", 'expected "deno run FLAGS… ENTRY", got "deno run"'],
    ["deno run --allow-ffi -A main.ts", '"-A" is not a --flag before the entry point'],
    ["deno run --allow-ffi --check", '"--check" is not a --flag before the entry point'],
  ];
  for (const [task, msg] of cases) {
    assert.throws(() => parseRunTask(task), {
      name: "SyntaxError",
      message: `Cannot parse start task: ${msg}`,
    });
  }
});

Deno.test("asset names carry the one version from deno.json and the target", () => {
  assert.equal(
    assetName(denoJson.version, "x86_64-unknown-linux-gnu"),
    `mcp-utc-time-${denoJson.version}-x86_64-unknown-linux-gnu`,
  );
  assert.equal(denortVariable("aarch64-unknown-linux-gnu"), "DENORT_BIN_AARCH64_UNKNOWN_LINUX_GNU");
  assert.equal(denortVariable("x86_64-unknown-linux-gnu"), "DENORT_BIN_X86_64_UNKNOWN_LINUX_GNU");
});

Deno.test("resolveDenort: per-target variable first, then DENORT_BIN, then download or fail", () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  const t = "aarch64-unknown-linux-gnu";
  assert.deepEqual(
    resolveDenort(t, env({ DENORT_BIN: "/g", DENORT_BIN_AARCH64_UNKNOWN_LINUX_GNU: "/a" }), true),
    { path: "/a", variable: "DENORT_BIN_AARCH64_UNKNOWN_LINUX_GNU" },
  );
  assert.deepEqual(
    resolveDenort(t, env({ DENORT_BIN: "/g", DENORT_BIN_X86_64_UNKNOWN_LINUX_GNU: "/x" }), true),
    { path: "/g", variable: "DENORT_BIN" },
  );
  assert.deepEqual(resolveDenort(t, env({ DENORT_BIN: "" }), false), {
    path: null,
    variable: null,
  });
  assert.throws(() => resolveDenort(t, env({}), true), {
    message:
      `Cannot build ${t} offline: no denort given. Set DENORT_BIN_AARCH64_UNKNOWN_LINUX_GNU` +
      ` (or DENORT_BIN) to a denort ${Deno.version.deno} binary for ${t}.`,
  });
});

Deno.test("elfMachine reads real executables and rejects a corrupted header", async () => {
  const deno = await Deno.readFile(Deno.execPath());
  assert.equal(elfMachine(deno.subarray(0, 64)), Deno.build.arch === "x86_64" ? 62 : 183);
  const arm = (await Deno.readFile(ARM64_ELF)).subarray(0, 64).slice();
  assert.equal(elfMachine(arm), 183);
  const badMagic = arm.slice();
  badMagic[1] = 0x46;
  assert.throws(() => elfMachine(badMagic), {
    name: "TypeError",
    message: "Cannot read ELF header: not an ELF file",
  });
  const badClass = arm.slice();
  badClass[4] = 1;
  assert.throws(() => elfMachine(badClass), {
    name: "TypeError",
    message: "Cannot read ELF header: not a 64-bit little-endian ELF file",
  });
  await assert.rejects(() => checkDenort(ARM64_ELF, "DENORT_BIN", "x86_64-unknown-linux-gnu"), {
    message: `Cannot use DENORT_BIN=${ARM64_ELF} for x86_64-unknown-linux-gnu: its ELF machine is` +
      " 183, x86_64-unknown-linux-gnu needs 62 (set DENORT_BIN_X86_64_UNKNOWN_LINUX_GNU to the" +
      " denort built for x86_64-unknown-linux-gnu)",
  });
});

Deno.test("sha256sums is sha256sum's format, sorted", () => {
  assert.equal(
    sha256sums([{ name: "b", sha256: "22" }, { name: "a", sha256: "11" }]),
    "11  a\n22  b\n",
  );
});

/** Runs build/compile.ts as `deno task compile` does, with the DENORT variables replaced. */
async function runCompile(args: string[], denort: Record<string, string>) {
  const env = Deno.env.toObject();
  for (const k of Object.keys(env)) if (k.startsWith("DENORT_BIN")) delete env[k];
  const task = denoJson.tasks.compile.split(" ").slice(2); // after "deno run"
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...task.slice(0, -1), COMPILE, ...args],
    cwd: ROOT,
    env: { ...env, ...denort },
    clearEnv: true,
    stdin: "null",
    signal: AbortSignal.timeout(600_000), // bounded even if deno compile hung on the network
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("offline without DENORT_BIN: fails fast, names the variable, builds nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "compile_test_" });
  try {
    const r = await runCompile(["--offline", "--out-dir", dir], {});
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /Cannot build aarch64-unknown-linux-gnu offline: no denort given\. Set DENORT_BIN_AARCH64_UNKNOWN_LINUX_GNU \(or DENORT_BIN\)/,
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a denort of the wrong architecture is refused before compiling", async () => {
  const dir = await Deno.makeTempDir({ prefix: "compile_test_" });
  try {
    const r = await runCompile(["--target", "x86_64-unknown-linux-gnu", "--out-dir", dir], {
      DENORT_BIN: ARM64_ELF,
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /its ELF machine is 183, x86_64-unknown-linux-gnu needs 62/);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad flags and unknown targets exit 2", async () => {
  const a = await runCompile(["--nope"], {});
  assert.equal(a.code, 2);
  assert.match(a.stderr, /compile: Unknown option '--nope'/);
  const b = await runCompile(["--target", "armv7-unknown-linux-gnueabihf"], {});
  assert.equal(b.code, 2);
  assert.match(b.stderr, /Cannot build "armv7-unknown-linux-gnueabihf": targets are aarch64/);
});

const online = await denortHostReachable();
if (online) {
  console.error("compile_test: SKIP offline-download test: the denort host is reachable here");
}
Deno.test({
  name: "without network and without DENORT_BIN, the failed download names the variable",
  // Only meaningful where the denort host is unreachable (this project's machines and CI).
  ignore: online,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "compile_test_" });
    try {
      const r = await runCompile(["--target", "x86_64-unknown-linux-gnu", "--out-dir", dir], {});
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /dns error|download/i); // it failed fetching denort, not elsewhere
      assert.match(
        r.stderr,
        /Cannot build x86_64-unknown-linux-gnu: deno compile exited with 1\. If it could not download its base runtime \(no network\), set DENORT_BIN_X86_64_UNKNOWN_LINUX_GNU \(or DENORT_BIN\)/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/**
 * The build with a given base runtime writes the asset and SHA256SUMS. No denort 2.9.5 can be
 * obtained here (npm has no denort package; its download host is unreachable), so the base is the
 * full `deno` of the same version and target: `deno compile` embeds the program into it exactly as
 * into denort, but the result starts Deno's REPL instead of the program, so it is not run here.
 */
Deno.test("with DENORT_BIN_<TARGET>, the build writes the asset and a valid SHA256SUMS", async () => {
  const dir = await Deno.makeTempDir({ prefix: "compile_test_" });
  const target = Deno.build.arch === "x86_64"
    ? "x86_64-unknown-linux-gnu"
    : "aarch64-unknown-linux-gnu";
  try {
    const r = await runCompile(["--target", target, "--out-dir", dir], {
      [denortVariable(target)]: Deno.execPath(),
    });
    assert.equal(r.code, 0, r.stderr);
    const name = assetName(denoJson.version, target);
    const st = await Deno.stat(`${dir}/${name}`);
    assert.ok(st.isFile && (st.mode! & 0o111) !== 0, "the asset is an executable file");
    console.error(`compile_test: ${name}: ${(st.size / 1e6).toFixed(1)} MB`);
    const sums = await Deno.readTextFile(`${dir}/SHA256SUMS`);
    assert.match(sums, new RegExp(`^[0-9a-f]{64}  ${name.replaceAll(".", "\\.")}\n$`));
    const check = await new Deno.Command("sha256sum", { args: ["-c", "SHA256SUMS"], cwd: dir })
      .output();
    assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
    assert.equal(new TextDecoder().decode(check.stdout), `${name}: OK\n`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function denortHostReachable(): Promise<boolean> {
  try {
    const r = await Deno.resolveDns("dl.deno.land", "A", { signal: AbortSignal.timeout(5000) });
    return r.length > 0;
  } catch {
    return false;
  }
}
