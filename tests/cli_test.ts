/** Flag parsing (pure). */
import assert from "node:assert/strict";
import { parseCli, parseUnits } from "../src/cli.ts";

Deno.test("parseCli: defaults and values", () => {
  assert.deepEqual(parseCli([]), {
    shmUnits: [0, 1, 2, 3],
    ppsDevice: "auto",
    staleAfterMs: 10_000,
    version: false,
    help: false,
    check: false,
    json: false,
  });
  assert.deepEqual(
    parseCli([
      "--shm-units",
      "2,40-42",
      "--pps-device",
      "/dev/pps1",
      "--stale-after",
      "2.5",
      "--check",
      "--json",
    ]),
    {
      shmUnits: [2, 40, 41, 42],
      ppsDevice: "/dev/pps1",
      staleAfterMs: 2500,
      version: false,
      help: false,
      check: true,
      json: true,
    },
  );
  assert.equal(parseCli(["--pps-device=none"]).ppsDevice, "none");
});

Deno.test("parseCli: errors say what was wrong", () => {
  const table: [string[], string][] = [
    [["--nope"], "Cannot parse flags: Unknown option '--nope'"],
    [["extra"], "Cannot parse flags: Unexpected argument 'extra'"],
    [
      ["--pps-device", "pps0"],
      'Cannot parse flags: --pps-device "pps0": expected auto, none or an absolute device path such as /dev/pps0',
    ],
    [
      ["--stale-after=-1"],
      'Cannot parse flags: --stale-after "-1": expected a positive number of seconds, e.g. 10 or 2.5',
    ],
    [
      ["--shm-units", "3-1"],
      'Cannot parse flags: --shm-units "3-1": "3-1" is not a unit or range of units 0-255 (e.g. 0,1 or 0-3)',
    ],
  ];
  for (const [args, msg] of table) {
    assert.throws(
      () => parseCli(args),
      (e: unknown) => e instanceof TypeError && e.message.startsWith(msg),
      args.join(" "),
    );
  }
  assert.deepEqual(parseUnits("0, 0-1 ,7"), [0, 1, 7]);
});
