/**
 * Test-only: generated bad input for the MCP server over stdio — malformed JSON, wrong JSON-RPC
 * shapes, unknown methods and tools, wrong argument types, huge strings, odd Unicode, hostile
 * time zones and out-of-range dates. Deterministic for a given seed.
 *
 * @module
 */

/** One generated case: the raw line to send (without the newline). */
export interface BadCase {
  /** Category, for the per-category counts. */
  kind: string;
  /** What is sent, exactly (a newline is appended by the sender). */
  line: string;
  /** The server must refuse it (JSON-RPC error or `isError`) if it answers; never succeed. */
  mustFail: boolean;
  /** A well-formed request: the server must answer it (exactly once). */
  expectAnswer: boolean;
}

/** A tool as `tools/list` describes it (the parts used here). */
export interface ToolShape {
  name: string;
  inputSchema: { properties?: Record<string, { type?: string }>; required?: string[] };
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Time zone strings that must never be accepted (path traversal, NUL, injection, nonsense). */
export const HOSTILE_ZONES = [
  "../../etc/passwd",
  "UTC\u0000",
  "\u0000",
  "Europe/../../../etc/shadow",
  "/etc/localtime",
  "/usr/share/zoneinfo/UTC",
  "Europe/Berlin\u0000../../etc/passwd",
  "file:///etc/passwd",
  "%s%s%s%n",
  "${jndi:ldap://x/a}",
  "'; DROP TABLE zones; --",
  "<script>alert(1)</script>",
  "Europe\\Berlin",
  "Mars/Olympus_Mons",
  "Etc/GMT+99",
  "+25:00",
  "",
  " ",
  "UTC/../UTC",
  "Europe/Berlin/",
  "\u202eUTC",
  "U\u200bTC",
  "\ud800",
  "Europe/Berlin".repeat(1000),
];

/** Time strings out of range or malformed. */
export const BAD_TIMES = [
  "275760-09-13T00:00:01Z",
  "-271821-04-19T23:59:59Z",
  "+999999-01-01T00:00:00Z",
  "2026-02-30T10:00",
  "2026-13-01T00:00",
  "2026-00-10T00:00",
  "24:01",
  "25:61",
  "99:99",
  "-1:00",
  "12:60",
  "1e400",
  "9999999999999999999999",
  "0000-00-00T00:00",
  "2026-01-01T00:00:00+99:00",
  "2026-01-01T00:00:00.1234567891234Z",
  "NaN",
  "Infinity",
  "",
  "\u0000",
  "12:00\u0000",
  "１２:００",
  "\ud800:00",
  "2026-01-01T00:00:00Z".repeat(500),
];

/** Odd Unicode strings. */
export const ODD_UNICODE = [
  "\ud800",
  "\udfff\ud800",
  "\ufeff",
  "\uffff",
  "\u202e\u202d",
  "e\u0301\u0301\u0301\u0301\u0301",
  "👨‍👩‍👧‍👦",
  "\u0000\u0001\u001f\u007f",
  "\u2028\u2029",
  "𝕌𝕋ℂ",
  "Ｅｕｒｏｐｅ／Ｂｅｒｌｉｎ",
];

const WRONG_TYPES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  true,
  false,
  [],
  [1, 2],
  {},
  { a: 1 },
  { __proto__: { polluted: 1 } },
  "",
  "x",
];

const UNKNOWN_METHODS = [
  "",
  "foo",
  "tools/call2",
  "tools/",
  "TOOLS/LIST",
  "rpc.discover",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "resources/write",
  "server/shutdown",
  "x".repeat(10_000),
  "\u0000",
  "tools/list\u0000",
];

const MALFORMED = [
  "{",
  "}",
  "[",
  '"',
  "nul",
  "{]",
  '{"jsonrpc":"2.0",',
  '{"jsonrpc":"2.0","id":1,"method":"ping"',
  '{"jsonrpc":"2.0","id":1,"method":"ping"}}',
  "{'jsonrpc':'2.0'}",
  '{"jsonrpc":"2.0","id":01,"method":"ping"}',
  '{"jsonrpc":"2.0","id":1,"method":"ping",}',
  "\u0000",
  "\ufeff{}",
  "[".repeat(100_000),
  '{"a":'.repeat(10_000),
  "NaN",
  "undefined",
];

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

/**
 * Generates at least `n` cases for the given tools. `huge` cases carry 1 MB strings (a handful:
 * they are large to send). Ids are strings `"bad-<i>"` (`"mut-<i>"` in randomly edited lines).
 */
export function generateCases(tools: readonly ToolShape[], n: number, seed: number): BadCase[] {
  const rand = prng(seed);
  const cases: BadCase[] = [];
  let i = 0;
  const nextId = () => `bad-${i++}`;
  const request = (kind: string, method: unknown, params: unknown, mustFail = true): BadCase => {
    const id = nextId();
    const msg: Record<string, unknown> = { jsonrpc: "2.0", id, method };
    if (params !== undefined) msg.params = params;
    return { kind, line: JSON.stringify(msg), mustFail, expectAnswer: true };
  };
  const call = (kind: string, name: unknown, args: unknown, mustFail = true) =>
    request(kind, "tools/call", { name, arguments: args }, mustFail);
  const valid = (t: ToolShape): Record<string, unknown> => {
    const args: Record<string, unknown> = {};
    for (const k of t.inputSchema.required ?? []) args[k] = k.includes("zone") ? "UTC" : "12:00";
    return args;
  };
  const stringProps = (t: ToolShape) =>
    Object.entries(t.inputSchema.properties ?? {}).filter(([, s]) => s.type === "string").map((
      [k],
    ) => k);
  const zoneProps = (t: ToolShape) => stringProps(t).filter((k) => /zone/i.test(k));
  const timeProps = (t: ToolShape) =>
    stringProps(t).filter((k) => /time|date/i.test(k) && !/zone/i.test(k));

  // Fixed lists first: every tool × every hostile value.
  for (const line of MALFORMED) {
    cases.push({ kind: "malformed JSON", line, mustFail: true, expectAnswer: false });
  }
  for (const m of UNKNOWN_METHODS) cases.push(request("unknown method", m, {}));
  for (const t of tools) {
    for (const z of zoneProps(t)) {
      for (const v of HOSTILE_ZONES) {
        cases.push(call("hostile timezone", t.name, { ...valid(t), [z]: v }));
      }
    }
    for (const p of timeProps(t)) {
      for (const v of BAD_TIMES) cases.push(call("bad time", t.name, { ...valid(t), [p]: v }));
    }
    for (const p of stringProps(t)) {
      // A 1 MB search query may simply match nothing: only zones and times must fail.
      cases.push(
        call(
          "huge string",
          t.name,
          { ...valid(t), [p]: "x".repeat(1 << 20) },
          /zone|time/i.test(p),
        ),
      );
      for (const v of ODD_UNICODE) {
        // An odd string may be a harmless value for a free-form argument: only zones must fail.
        cases.push(call("odd unicode", t.name, { ...valid(t), [p]: v }, /zone/i.test(p)));
      }
    }
    for (const p of Object.keys(t.inputSchema.properties ?? {})) {
      for (const v of WRONG_TYPES) {
        const type = t.inputSchema.properties![p]!.type;
        const sameType = (type === "string" && typeof v === "string") ||
          ((type === "number" || type === "integer") && typeof v === "number") ||
          (type === "boolean" && typeof v === "boolean");
        if (!sameType) cases.push(call("wrong argument type", t.name, { ...valid(t), [p]: v }));
      }
    }
    cases.push(call("arguments not an object", t.name, "UTC"));
    cases.push(call("arguments not an object", t.name, [1]));
  }
  cases.push(call("huge string", "x".repeat(1 << 20), {}));

  // Then random cases until n.
  const shapes: (() => BadCase)[] = [
    () => {
      // A valid request with random characters deleted, inserted or replaced.
      const t = pick(rand, tools);
      const chars = [
        ...JSON.stringify({
          jsonrpc: "2.0",
          id: `mut-${i++}`,
          method: "tools/call",
          params: { name: t.name, arguments: valid(t) },
        }),
      ];
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * chars.length);
        const r = rand();
        if (r < 0.33) chars.splice(at, 1);
        else if (r < 0.66) {
          chars.splice(
            at,
            0,
            pick(rand, ['"', "{", "}", ",", ":", "[", "]", "\\", "0", "\u0000", "é"]),
          );
        } else chars[at] = pick(rand, ['"', "}", "x", "\\", " "]);
      }
      // The edit may leave a valid call (e.g. a changed digit in an id): success is allowed.
      return { kind: "mutated JSON", line: chars.join(""), mustFail: false, expectAnswer: false };
    },
    () => {
      const shape = pick(rand, [
        [],
        [1, 2, 3],
        42,
        "tools/list",
        null,
        true,
        { jsonrpc: "1.0", id: nextId(), method: "ping" },
        { id: nextId(), method: "ping" },
        { jsonrpc: "2.0", id: nextId() },
        { jsonrpc: "2.0", id: nextId(), method: 42 },
        { jsonrpc: "2.0", id: nextId(), method: null },
        { jsonrpc: "2.0", id: { x: 1 }, method: "ping" },
        { jsonrpc: "2.0", id: [1], method: "ping" },
        { jsonrpc: "2.0", id: true, method: "ping" },
        { jsonrpc: "2.0", id: nextId(), method: "tools/call", params: "x" },
        { jsonrpc: "2.0", id: nextId(), method: "tools/call", params: [1] },
        { jsonrpc: "2.0", id: nextId(), method: "tools/call", params: 7 },
        { jsonrpc: "2.0", id: nextId(), method: "tools/call" },
        { jsonrpc: "2.0", id: nextId(), method: "tools/call", params: {} },
        { jsonrpc: "2.0", id: nextId(), method: "tools/list", params: { cursor: 5 } },
        { jsonrpc: "2.0", id: nextId(), result: {} },
        { jsonrpc: "2.0", id: nextId(), error: { code: 1, message: "x" } },
        { jsonrpc: "2.0", method: "notifications/unknown", params: { x: 1 } },
        { jsonrpc: "2.0", id: nextId(), method: "initialize", params: {} },
        {
          jsonrpc: "2.0",
          id: nextId(),
          method: "resources/read",
          params: { uri: "file:///etc/passwd" },
        },
        {
          jsonrpc: "2.0",
          id: nextId(),
          method: "resources/read",
          params: { uri: "../../etc/passwd" },
        },
        {
          jsonrpc: "2.0",
          id: nextId(),
          method: "prompts/get",
          params: { name: "../../etc/passwd" },
        },
      ]);
      return {
        kind: "wrong JSON-RPC shape",
        line: JSON.stringify(shape),
        mustFail: true,
        expectAnswer: false,
      };
    },
    () =>
      request(
        "unknown method",
        `${pick(rand, ["tools", "x", "", "resources", "$"])}/${
          Math.floor(rand() * 1e9).toString(36)
        }`,
        {},
      ),
    () =>
      call(
        "unknown tool",
        pick(rand, [
          "",
          "get_utc_time ",
          "GET_UTC_TIME",
          "get_utc_time\u0000",
          "__proto__",
          "constructor",
        ]) + (rand() < 0.5 ? "" : Math.floor(rand() * 1e6).toString(36)),
        {},
      ),
    () => {
      const t = pick(rand, tools);
      const props = Object.keys(t.inputSchema.properties ?? {});
      if (props.length === 0) {
        return call("unknown argument", t.name, { [`x${i}`]: pick(rand, WRONG_TYPES) }, false);
      }
      return call("wrong argument type", t.name, {
        ...valid(t),
        [pick(rand, props)]: pick(rand, WRONG_TYPES.filter((v) => typeof v !== "string")),
      });
    },
    () => {
      const t = pick(rand, tools);
      const zs = zoneProps(t);
      if (zs.length === 0) return call("unknown tool", `${t.name}_${i}`, {});
      return call("hostile timezone", t.name, {
        ...valid(t),
        [pick(rand, zs)]: pick(rand, HOSTILE_ZONES) +
          pick(rand, ["", "/", "\u0000", "..", "\ud800"]),
      });
    },
    () => {
      const t = pick(rand, tools);
      const ts = timeProps(t);
      if (ts.length === 0) return call("unknown tool", `${t.name}.${i}`, {});
      const y = Math.floor((rand() - 0.5) * 2e6);
      const v = rand() < 0.5
        ? pick(rand, BAD_TIMES)
        : `${y < 0 ? "-" : "+"}${String(Math.abs(y)).padStart(6, "0")}-01-01T00:00:00Z`;
      // A random year may be in range (±275760): success is allowed there.
      return call("bad time", t.name, { ...valid(t), [pick(rand, ts)]: v }, BAD_TIMES.includes(v));
    },
  ];
  while (cases.length < n) cases.push(pick(rand, shapes)());
  return cases;
}
