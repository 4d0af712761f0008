/**
 * Test-only: running Deno programs the way the product runs — with exactly the permission flags
 * of deno.json's `start` task (the one source of truth) — natively, as an unprivileged user,
 * or as the arm64 Deno under `qemu-aarch64-static`.
 *
 * @module
 */
import { hasCommand } from "./prereq.ts";

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** The arm64 Deno unpacked by build/test_deps.sh. */
export const ARM64_DENO = `${ROOT}/.deno/arm64/package/deno`;
/** The multiarch aarch64 sysroot for `qemu-aarch64-static -L` made by build/test_deps.sh. */
export const ARM64_SYSROOT = `${ROOT}/.deno/arm64/sysroot`;

/** uid/gid of `nobody`. */
export const NOBODY = 65534;

/**
 * The permission flags of deno.json's `start` task (everything between `deno run` and the
 * script), e.g. `["--no-prompt", "--allow-ffi=…", "--allow-read=…"]`; of the checkout at `root`
 * (default: this one).
 */
export function startFlags(root: string = ROOT): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${root}/deno.json`));
  const start: string = config.tasks.start;
  const words = start.trim().split(/\s+/);
  if (words[0] !== "deno" || words[1] !== "run") {
    throw new Error(`Cannot read the start flags: the start task is not "deno run …": ${start}`);
  }
  return words.slice(2).filter((w) => w.startsWith("--"));
}

/** Why the arm64 Deno cannot run here (empty when it can). */
export function arm64Missing(): string[] {
  const r: string[] = [];
  if (!hasCommand("qemu-aarch64-static")) {
    r.push("qemu-aarch64-static is missing (apt qemu-user-static)");
  }
  if (!hasCommand(ARM64_DENO)) r.push(`the arm64 Deno is missing (${ARM64_DENO})`);
  try {
    Deno.statSync(`${ARM64_SYSROOT}/lib/aarch64-linux-gnu/libc.so.6`);
  } catch {
    r.push(`the aarch64 sysroot is missing (${ARM64_SYSROOT}; apt libc6-arm64-cross)`);
  }
  return r;
}

/** Where and as whom a Deno program runs. */
export interface DenoRunOptions {
  /** `host` (default): this Deno; `aarch64`: the arm64 Deno under qemu-aarch64-static. */
  arch?: "host" | "aarch64";
  /** Run as uid/gid 65534 with no supplementary groups (needs root). */
  asNobody?: boolean;
  /** DENO_DIR for the child (default: inherited). As nobody, use {@linkcode makeNobodyDenoDir}. */
  denoDir?: string;
  /** Extra environment. */
  env?: Record<string, string>;
  /** Working directory (default: the repository root, where deno.json is). */
  cwd?: string;
}

/** The argv that runs `deno ARGS` per `opts` (setpriv / qemu wrappers included). */
export function denoArgv(args: string[], opts: DenoRunOptions = {}): string[] {
  let argv = opts.arch === "aarch64"
    ? ["qemu-aarch64-static", "-L", ARM64_SYSROOT, ARM64_DENO, ...args]
    : [Deno.execPath(), ...args];
  if (opts.asNobody) {
    argv = [
      "setpriv",
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      "--clear-groups",
      "--",
      ...argv,
    ];
  }
  return argv;
}

/** The result of a finished Deno program. */
export interface DenoOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno ARGS` per `opts` to completion, capturing stdout and stderr. */
export async function runDeno(args: string[], opts: DenoRunOptions = {}): Promise<DenoOutput> {
  const [cmd, ...rest] = denoArgv(args, opts);
  const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...opts.env };
  if (opts.denoDir !== undefined) env.DENO_DIR = opts.denoDir;
  const out = await new Deno.Command(cmd!, {
    args: rest,
    cwd: opts.cwd ?? ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Runs a script under `tests/support` (or anywhere) with the `start` task's permission flags
 * and returns its stdout parsed as JSON.
 *
 * @throws {Error} when it exits non-zero or prints no JSON (with its stderr).
 */
export async function runWithStartFlags<T>(
  script: string,
  scriptArgs: string[],
  opts: DenoRunOptions = {},
): Promise<T> {
  const r = await runDeno(["run", ...startFlags(), script, ...scriptArgs], opts);
  if (r.code !== 0) {
    throw new Error(`${script} exited ${r.code}:\n${r.stderr}`);
  }
  try {
    return JSON.parse(r.stdout) as T;
  } catch (e) {
    throw new Error(`${script} printed no JSON:\n${r.stdout}\n${r.stderr}`, { cause: e });
  }
}

/**
 * A fresh DENO_DIR owned by nobody (the default one under /root is unreadable to nobody). The
 * programs run as nobody import only local modules, so an empty cache is enough; remove it with
 * `Deno.remove(dir, { recursive: true })`.
 */
export async function makeNobodyDenoDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-utc-time-nobody-deno-" });
  await Deno.chown(dir, NOBODY, NOBODY);
  return dir;
}

/**
 * Like {@linkcode makeNobodyDenoDir}, with a copy of this user's npm cache (for programs that
 * import npm packages, such as main.ts), all owned by nobody: no network needed.
 */
export async function makeNobodyDenoDirWithNpm(): Promise<string> {
  const dir = await makeNobodyDenoDir();
  const src = `${Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`}/npm`;
  for (
    const [cmd, ...args] of [["cp", "-a", src, `${dir}/npm`], [
      "chown",
      "-R",
      `${NOBODY}:${NOBODY}`,
      dir,
    ]]
  ) {
    const r = await new Deno.Command(cmd!, { args, stderr: "piped" }).output();
    if (r.code !== 0) {
      throw new Error(
        `Cannot prepare nobody's DENO_DIR: ${cmd} failed: ${new TextDecoder().decode(r.stderr)}`,
      );
    }
  }
  return dir;
}
