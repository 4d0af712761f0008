/**
 * Reliability/security: ≥ 10⁴ generated bad inputs over stdio to the real server (run as
 * `deno task start` runs it): 0 crashes, every answer a JSON-RPC error or an `isError` result
 * with a clear message (no stack trace), nothing but JSON-RPC on stdout, and a valid call still
 * works afterwards. The seed is printed; set BAD_INPUT_SEED to replay a run.
 */
import assert from "node:assert/strict";
import { type BadCase, generateCases, type ToolShape } from "./support/bad_input.ts";
import { type Message, StdioServer, structured } from "./support/stdio_server.ts";
import { sleep } from "./support/wait.ts";

const CASES = 10_000;
const BATCH = 50;

/** Why an answer is not a clear refusal (`null` when it is one). */
function unclearRefusal(m: Message): string | null {
  const text = (s: unknown) =>
    typeof s === "string" && s.trim() !== ""
      ? (/\n\s+at .*:\d+:\d+/.test(s) ? "stack trace" : null)
      : "empty message";
  if (m.error !== undefined) {
    const e = m.error as Record<string, unknown>;
    if (!Number.isInteger(e.code)) return `error code ${JSON.stringify(e.code)}`;
    return text(e.message);
  }
  const r = m.result as Record<string, unknown> | undefined;
  if (r?.isError === true) {
    const c = (r.content as { type: string; text?: string }[] | undefined)?.[0];
    return c?.type === "text" ? text(c.text) : "isError without text content";
  }
  return "success";
}

function idOf(line: string): string | undefined {
  try {
    const v = JSON.parse(line);
    return typeof v === "object" && v !== null && typeof v.id === "string" ? v.id : undefined;
  } catch {
    return undefined;
  }
}

Deno.test("bad input: 10^4 generated cases over stdio: no crash, only clear refusals, only JSON-RPC on stdout", async () => {
  const seed = Number(Deno.env.get("BAD_INPUT_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  await using server = StdioServer.start(["--pps-device", "none"]);
  await server.initialize();
  const tools = structuredTools(await server.request("tools/list"));
  const cases = generateCases(tools, CASES, seed);
  const byId = new Map<string, BadCase>();
  for (const c of cases) {
    const id = idOf(c.line);
    if (id !== undefined) byId.set(id, c);
  }

  const t0 = performance.now();
  for (let b = 0; b < cases.length; b += BATCH) {
    for (const c of cases.slice(b, b + BATCH)) await server.write(c.line + "\n");
    const sync = `sync-${b}`;
    const answered = server.response(sync, 60_000);
    await server.send({ jsonrpc: "2.0", id: sync, method: "ping" });
    const r = await answered.catch((e) => {
      throw new Error(
        `The server stopped answering after case ${b}..${b + BATCH} (seed ${seed}): ${e.message}`,
      );
    });
    assert.deepEqual(r.result, {}, `ping failed: ${JSON.stringify(r)}`);
  }
  // Bytes that are not UTF-8, alone and inside a request.
  const enc = new TextEncoder();
  for (
    const bytes of [
      [0xff, 0xfe, 0x80, 0x0a],
      [0xc0, 0xaf, 0x0a],
      [
        ...enc.encode(
          '{"jsonrpc":"2.0","id":"bad-utf8","method":"tools/call","params":{"name":"get_utc_time',
        ),
        0xff,
        ...enc.encode('"}}\n'),
      ],
    ]
  ) await server.write(new Uint8Array(bytes));
  await sleep(500); // late answers of the last batch
  const elapsedMs = performance.now() - t0;

  // Classify every message the server sent.
  const answers = new Map<string, Message[]>();
  const violations: string[] = [];
  const counts = {
    errors: 0,
    isError: 0,
    allowedSuccess: 0,
    nullId: 0,
    unattributed: 0,
    notifications: 0,
  };
  for (const m of server.unsolicited) {
    if ("method" in m) {
      counts.notifications++;
      continue;
    }
    const id = typeof m.id === "string" ? m.id : undefined;
    const c = id === undefined ? undefined : byId.get(id);
    const why = unclearRefusal(m);
    if (why === null) {
      if (m.error !== undefined) counts.errors++;
      else counts.isError++;
    }
    if (c === undefined) {
      if (m.id === null) counts.nullId++;
      else counts.unattributed++;
      if (why !== null && why !== "success") {
        violations.push(`unattributed answer ${JSON.stringify(m).slice(0, 200)}: ${why}`);
      }
      if (why === "success" && m.id === null) {
        violations.push(`success with id null: ${JSON.stringify(m).slice(0, 200)}`);
      }
      continue;
    }
    answers.set(id!, [...(answers.get(id!) ?? []), m]);
    if (why === "success") {
      if (c.mustFail) {
        violations.push(
          `${c.kind}: accepted ${c.line.slice(0, 200)} -> ${JSON.stringify(m).slice(0, 300)}`,
        );
      } else counts.allowedSuccess++;
    } else if (why !== null) {
      violations.push(
        `${c.kind}: ${why}: ${c.line.slice(0, 200)} -> ${JSON.stringify(m).slice(0, 300)}`,
      );
    }
  }
  const perKind = new Map<string, { sent: number; answered: number }>();
  for (const c of cases) {
    const k = perKind.get(c.kind) ?? { sent: 0, answered: 0 };
    k.sent++;
    const id = idOf(c.line);
    const n = id === undefined ? 0 : (answers.get(id)?.length ?? 0);
    if (n > 0) k.answered++;
    perKind.set(c.kind, k);
    if (c.expectAnswer && n !== 1) {
      violations.push(`${c.kind}: ${n} answers to ${c.line.slice(0, 200)}`);
    }
  }

  // Still serving.
  const after = structured(await server.callTool("get_utc_time"));
  assert.equal(typeof after.utc, "string");
  console.error(
    `bad input (seed ${seed}): ${cases.length} cases in ${(elapsedMs / 1000).toFixed(1)} s; ` +
      `answers: ${counts.errors} JSON-RPC errors, ${counts.isError} isError results, ` +
      `${counts.allowedSuccess} successes (allowed: extra arguments are ignored, some edited calls stay valid), ${counts.nullId} with id null, ` +
      `${counts.unattributed} unattributed, ${counts.notifications} notifications; ${server.stray.length} non-JSON-RPC stdout lines; ` +
      `${violations.length} violations\n  per kind (sent/answered): ` +
      [...perKind].map(([k, v]) => `${k} ${v.sent}/${v.answered}`).join(", "),
  );
  assert.deepEqual(violations.slice(0, 20), [], `${violations.length} violations (seed ${seed})`);
  assert.deepEqual(server.stray, [], "stdout carried something other than JSON-RPC");
  assert.equal(server.exitStatus, null, "the server exited");
  assert.ok(cases.length >= CASES);
});

function structuredTools(r: Message): ToolShape[] {
  const tools = (r.result as { tools?: ToolShape[] } | undefined)?.tools;
  assert.ok(Array.isArray(tools) && tools.length > 0, `tools/list failed: ${JSON.stringify(r)}`);
  return tools;
}
