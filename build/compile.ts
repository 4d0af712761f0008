/**
 * `deno task compile`: builds the single executables `dist/mcp-utc-time-<version>-<target>` for
 * the Linux targets a Raspberry Pi owner needs, with exactly the permission flags of the `start`
 * task (parsed from `deno.json`: one source of truth), and writes `dist/SHA256SUMS`.
 *
 * `deno compile` downloads its base runtime (`denort`) for each target from a host this project's
 * machines cannot reach. For an offline build, give a `denort` of the same Deno version per target:
 * `DENORT_BIN_AARCH64_UNKNOWN_LINUX_GNU`, `DENORT_BIN_X86_64_UNKNOWN_LINUX_GNU`, or `DENORT_BIN`
 * (used for any target that has no variable of its own). The file's ELF machine must match the
 * target. With `--offline` and none of these variables the build stops before compiling anything
 * and names them; without `--offline` a failed download (no network) ends the build with the same
 * advice (each `deno compile` is bounded by {@linkcode COMPILE_TIMEOUT_MS}).
 *
 * usage: deno task compile [--target T]… [--out-dir DIR] [--offline]
 *
 * @module
 */
import { parseArgs } from "node:util";
import denoJson from "../deno.json" with { type: "json" };

/** The targets built by default. */
export const TARGETS = ["aarch64-unknown-linux-gnu", "x86_64-unknown-linux-gnu"] as const;
/** A supported target triple. */
export type Target = (typeof TARGETS)[number];

/** ELF `e_machine` of each target: EM_AARCH64 (183), EM_X86_64 (62). */
const ELF_MACHINE: Readonly<Record<Target, number>> = {
  "aarch64-unknown-linux-gnu": 183,
  "x86_64-unknown-linux-gnu": 62,
};

/** The longest one `deno compile` may run (type check, download, write) before it is stopped. */
export const COMPILE_TIMEOUT_MS = 600_000;

/** The generic variable naming a base runtime for any target. */
export const DENORT_BIN = "DENORT_BIN";

/** The entry point and the permission flags of a `deno run … ENTRY` task. */
export interface RunTask {
  flags: string[];
  entry: string;
}

/**
 * Parses a task of the form `deno run FLAGS… ENTRY` (flags have no spaces inside).
 *
 * @throws {SyntaxError} "Cannot parse start task: …" for any other shape.
 */
export function parseRunTask(task: string): RunTask {
  const words = task.trim().split(/\s+/);
  if (words[0] !== "deno" || words[1] !== "run" || words.length < 3) {
    throw new SyntaxError(
      `Cannot parse start task: expected "deno run FLAGS… ENTRY", got "${task}"`,
    );
  }
  const entry = words[words.length - 1]!;
  const flags = words.slice(2, -1);
  const stray = flags.find((f) => !f.startsWith("--"));
  if (entry.startsWith("-") || stray !== undefined) {
    throw new SyntaxError(
      `Cannot parse start task: "${stray ?? entry}" is not a --flag before the entry point`,
    );
  }
  return { flags, entry };
}

/** The `start` task of this repository's `deno.json`. */
export function startTask(): RunTask {
  return parseRunTask(denoJson.tasks.start);
}

/** The per-target variable, e.g. `DENORT_BIN_X86_64_UNKNOWN_LINUX_GNU`. */
export function denortVariable(target: Target): string {
  return `${DENORT_BIN}_${target.toUpperCase().replaceAll("-", "_")}`;
}

/** Where a target's base runtime comes from. */
export interface DenortSource {
  /** The file, or `null` to let `deno compile` download it. */
  path: string | null;
  /** The variable that named it, or `null`. */
  variable: string | null;
}

/**
 * Chooses the base runtime for `target`: the per-target variable, else `DENORT_BIN`, else (only
 * when `offline` is false) the download `deno compile` does itself.
 *
 * @throws {Error} "Cannot build …: no denort given …" naming both variables when offline and unset.
 */
export function resolveDenort(
  target: Target,
  env: (name: string) => string | undefined,
  offline: boolean,
): DenortSource {
  for (const variable of [denortVariable(target), DENORT_BIN]) {
    const path = env(variable);
    if (path !== undefined && path !== "") return { path, variable };
  }
  if (!offline) return { path: null, variable: null };
  throw new Error(
    `Cannot build ${target} offline: no denort given. Set ${
      denortVariable(target)
    } (or ${DENORT_BIN}) to a denort ${Deno.version.deno} binary for ${target}.`,
  );
}

/**
 * The ELF `e_machine` of an executable's first bytes.
 *
 * @throws {TypeError} "Cannot read ELF header: …" when the bytes are not a 64-bit LE ELF file.
 */
export function elfMachine(head: Uint8Array): number {
  const magic = head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  if (head.byteLength < 20 || !magic) {
    throw new TypeError("Cannot read ELF header: not an ELF file");
  }
  if (head[4] !== 2 || head[5] !== 1) {
    throw new TypeError("Cannot read ELF header: not a 64-bit little-endian ELF file");
  }
  return head[18]! | (head[19]! << 8);
}

/**
 * Checks that the file at `path` is an executable for `target`.
 *
 * @throws {Error} "Cannot use <variable>=<path> for <target>: …"
 */
export async function checkDenort(path: string, variable: string, target: Target): Promise<void> {
  const what = `Cannot use ${variable}=${path} for ${target}`;
  let head: Uint8Array;
  try {
    using f = await Deno.open(path);
    head = new Uint8Array(64);
    const n = await f.read(head);
    head = head.subarray(0, n ?? 0);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
  }
  let machine: number;
  try {
    machine = elfMachine(head);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
  }
  if (machine !== ELF_MACHINE[target]) {
    throw new Error(
      `${what}: its ELF machine is ${machine}, ${target} needs ${ELF_MACHINE[target]} (set ${
        denortVariable(target)
      } to the denort built for ${target})`,
    );
  }
}

/** The release asset name, e.g. `mcp-utc-time-0.1.0-x86_64-unknown-linux-gnu`. */
export function assetName(version: string, target: Target): string {
  return `mcp-utc-time-${version}-${target}`;
}

/** The `deno compile` arguments for one target. */
export function compileArgs(target: Target, task: RunTask, output: string): string[] {
  return ["compile", "--target", target, ...task.flags, "--output", output, task.entry];
}

/** SHA-256 of a file as lowercase hex. */
export async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `sha256sum`-format lines (`<hex>  <name>`), sorted by name. */
export function sha256sums(entries: readonly { name: string; sha256: string }[]): string {
  return [...entries].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    .map((e) => `${e.sha256}  ${e.name}\n`).join("");
}

function isTarget(t: string): t is Target {
  return (TARGETS as readonly string[]).includes(t);
}

async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        target: { type: "string", multiple: true },
        "out-dir": { type: "string", default: "dist" },
        offline: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`compile: ${(e as Error).message}`);
    return 2;
  }
  const targets = values.target ?? [...TARGETS];
  const unknown = targets.find((t) => !isTarget(t));
  if (unknown !== undefined) {
    console.error(`compile: Cannot build "${unknown}": targets are ${TARGETS.join(", ")}`);
    return 2;
  }
  const root = new URL("..", import.meta.url).pathname;
  const outDir = values["out-dir"].startsWith("/") ? values["out-dir"] : root + values["out-dir"];
  const task = startTask();
  const version = denoJson.version;
  const offline = values.offline;

  // Resolve every base runtime before the first (slow) compile: fail fast.
  const plan: { target: Target; denort: DenortSource }[] = [];
  try {
    for (const target of targets as Target[]) {
      const denort = resolveDenort(target, (n) => Deno.env.get(n), offline);
      if (denort.path !== null) await checkDenort(denort.path, denort.variable!, target);
      plan.push({ target, denort });
    }
  } catch (e) {
    console.error(`compile: ${(e as Error).message}`);
    return 2;
  }

  await Deno.mkdir(outDir, { recursive: true });
  for (const { target, denort } of plan) {
    const output = `${outDir}/${assetName(version, target)}`;
    const env: Record<string, string> = {};
    if (denort.path !== null) env[DENORT_BIN] = denort.path;
    console.error(
      `compile: ${target} -> ${output} (denort: ${denort.path ?? "downloaded by deno compile"})`,
    );
    const { code, signal } = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(target, task, output),
      cwd: root,
      env,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
      signal: AbortSignal.timeout(COMPILE_TIMEOUT_MS),
    }).output();
    if (code !== 0) {
      const how = signal === null
        ? `exited with ${code}`
        : `was stopped (${signal}) after ${COMPILE_TIMEOUT_MS / 1000} s`;
      const hint = denort.path !== null
        ? ""
        : ` If it could not download its base runtime (no network), set ${
          denortVariable(target)
        } (or ${DENORT_BIN}) to a denort ${Deno.version.deno} binary for ${target}.`;
      console.error(`compile: Cannot build ${target}: deno compile ${how}.${hint}`);
      return 1;
    }
  }

  const prefix = `mcp-utc-time-${version}-`;
  const entries = [];
  for await (const e of Deno.readDir(outDir)) {
    if (e.isFile && e.name.startsWith(prefix)) {
      entries.push({ name: e.name, sha256: await sha256File(`${outDir}/${e.name}`) });
    }
  }
  await Deno.writeTextFile(`${outDir}/SHA256SUMS`, sha256sums(entries));
  console.error(`compile: wrote ${outDir}/SHA256SUMS (${entries.length} files)`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
