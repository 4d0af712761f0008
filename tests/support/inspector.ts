/**
 * Test-only: the MCP Inspector CLI (`npm:@modelcontextprotocol/inspector`), a client no one here
 * wrote, installed once with npm into `.deno/inspector` (ignored), and run against the server
 * started exactly as `deno task start` starts it.
 *
 * @module
 */
import { npmInstall } from "./npm.ts";
import { hasCommand } from "./prereq.ts";
import { ROOT, startFlags } from "./deno.ts";

/** The Inspector version the tests use. */
export const INSPECTOR_VERSION = "2.12.0";

const PREFIX = `${ROOT}/.deno/inspector`;
const BIN =
  `${PREFIX}/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js`;

function installed(): boolean {
  try {
    return Deno.statSync(BIN).isFile;
  } catch {
    return false;
  }
}

/**
 * Installs the Inspector when missing; returns why it cannot run (empty when it can). Needs
 * `node` and `npm` on PATH and the npm registry.
 */
export async function inspectorMissing(): Promise<string[]> {
  if (!hasCommand("node")) return ["node is not on PATH (the Inspector is a Node program)"];
  if (installed()) return [];
  if (!hasCommand("npm")) return ["npm is not on PATH (needed to install the Inspector)"];
  const out = await npmInstall(PREFIX, [`@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`]);
  if (!out.ok || !installed()) {
    const err = out.stderr.split("\n").slice(-3).join(" / ");
    return [`cannot install @modelcontextprotocol/inspector@${INSPECTOR_VERSION} with npm: ${err}`];
  }
  return [];
}

/** What one Inspector run printed. */
export interface InspectorRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The `result` of stdout's JSON (`--format json`), or undefined when there is none. */
  // deno-lint-ignore no-explicit-any
  result: any;
}

/**
 * Runs `inspector --cli --format json OPTIONS -- deno <start task flags> main.ts SERVER_ARGS`.
 */
export async function inspect(
  options: readonly string[],
  serverFlags: readonly string[],
): Promise<InspectorRun> {
  const out = await new Deno.Command("node", {
    args: [
      BIN,
      "--cli",
      "--format",
      "json",
      "--cwd",
      ROOT,
      ...options,
      "--",
      Deno.execPath(),
      ...startFlags(),
      `${ROOT}/main.ts`,
      ...serverFlags,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { MCP_CATALOG_PATH: `${PREFIX}/catalog.json` },
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  let result;
  try {
    result = JSON.parse(stdout).result;
  } catch {
    result = undefined;
  }
  return { code: out.code, stdout, stderr: new TextDecoder().decode(out.stderr), result };
}
