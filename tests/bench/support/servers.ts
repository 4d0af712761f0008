/**
 * Bench-only: the servers the stdio harness measures — this server from source, run exactly as
 * `deno task start` runs it, and its peers `time-mcp` (Node) and `mcp-time` (Go), installed from
 * npm into `tests/bench/.peers/` (ignored by git).
 *
 * @module
 */
import { hasCommand, pathExists as exists } from "../../support/prereq.ts";
import { denoArgv, ROOT, startFlags } from "../../support/deno.ts";
import { npmInstall } from "../../support/npm.ts";

/** How to start a server and which of its tools returns the current time. */
export interface ServerSpec {
  name: string;
  cmd: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** The time tool and the arguments it is called with. */
  tool: string;
  toolArgs: Record<string, unknown>;
}

/** Where the peers are installed. */
export const PEERS_DIR = `${ROOT}/tests/bench/.peers`;

/** The npm packages of the peers, pinned. */
export const PEER_PACKAGES = ["time-mcp@1.0.6", "mcp-time-linux-x64@0.4.0"] as const;

const TIME_MCP_ENTRY = `${PEERS_DIR}/node_modules/time-mcp/dist/index.js`;
const MCP_TIME_BIN = `${PEERS_DIR}/node_modules/mcp-time-linux-x64/bin/mcp-time`;

/**
 * Installs the peers with `npm install` when they are not there yet (idempotent).
 *
 * @throws {Error} "Cannot install the peers: …" when npm is missing or fails.
 */
export async function installPeers(): Promise<void> {
  if (exists(TIME_MCP_ENTRY) && exists(MCP_TIME_BIN)) return;
  if (!hasCommand("npm")) throw new Error("Cannot install the peers: npm is not on PATH");
  console.error(`stdio_harness: npm install ${PEER_PACKAGES.join(" ")} into ${PEERS_DIR}`);
  const out = await npmInstall(PEERS_DIR, PEER_PACKAGES, { ignoreScripts: true });
  if (!out.ok) {
    throw new Error(
      `Cannot install the peers: npm install failed (code ${out.code}): ${out.stderr}`,
    );
  }
}

/** NTP SHM units the bench feeds (the bench's own range, 70-79). */
export const BENCH_SHM_UNITS = [70, 71, 72, 73] as const;

/**
 * This server, from source, with the start task's permission flags (never -A). `root` names
 * another checkout of it (e.g. an older commit, for before/after numbers).
 */
export function ourServer(root: string = ROOT, name = "mcp-utc-time"): ServerSpec {
  const units = `${BENCH_SHM_UNITS[0]}-${BENCH_SHM_UNITS[BENCH_SHM_UNITS.length - 1]}`;
  const [cmd, ...args] = denoArgv(["run", ...startFlags(root), "main.ts", "--shm-units", units]);
  return {
    name,
    cmd: cmd!,
    args,
    cwd: root,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    tool: "get_utc_time",
    toolArgs: {},
  };
}

/**
 * The servers to measure, ours first (then the checkout `before`, when given); a peer that
 * cannot run here is left out with the reason in `missing`.
 */
export function benchServers(
  before: string | null = null,
): { servers: ServerSpec[]; missing: string[] } {
  const servers = [ourServer()];
  if (before !== null) servers.push(ourServer(before, "mcp-utc-time@before"));
  const missing: string[] = [];
  if (!hasCommand("node")) missing.push("time-mcp: node is not on PATH");
  else if (!exists(TIME_MCP_ENTRY)) missing.push(`time-mcp: ${TIME_MCP_ENTRY} is missing`);
  else {
    servers.push({
      name: "time-mcp",
      cmd: "node",
      args: [TIME_MCP_ENTRY],
      cwd: PEERS_DIR,
      tool: "current_time",
      toolArgs: {},
    });
  }
  if (Deno.build.arch !== "x86_64") {
    missing.push(
      `mcp-time: the npm package mcp-time-linux-x64 is for x86_64, not ${Deno.build.arch}`,
    );
  } else if (!exists(MCP_TIME_BIN)) missing.push(`mcp-time: ${MCP_TIME_BIN} is missing`);
  else {
    servers.push({
      name: "mcp-time",
      cmd: MCP_TIME_BIN,
      args: [],
      cwd: PEERS_DIR,
      tool: "current_time",
      toolArgs: {},
    });
  }
  return { servers, missing };
}
