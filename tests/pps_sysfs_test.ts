/**
 * sysfs discovery and parsing: the `assert` attribute's format (table), reading small files
 * through libc, and discovery over a directory laid out as the kernel's `/sys/class/pps`.
 * The real `/sys/class/pps` is exercised in the QEMU rig (tests/pps_rig_test.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import { SyscallError } from "../src/ffi/errno.ts";
import { readSmallFile } from "../src/ffi/file.ts";
import { listPpsSources, parseSysfsAssert, readSysfsAssert, sysfsEntry } from "../src/pps/sysfs.ts";

Deno.test("parseSysfsAssert: sec.nsec#sequence as the kernel prints it", () => {
  const table: [string, ReturnType<typeof parseSysfsAssert>][] = [
    ["1795503447.001726176#3\n", { sequence: 3, time: { sec: 1795503447, nsec: 1726176 } }],
    ["0.000000000#0\n", { sequence: 0, time: { sec: 0, nsec: 0 } }],
    // %d of a u32 past 2³¹
    ["1795503447.999999999#-1\n", {
      sequence: 4294967295,
      time: { sec: 1795503447, nsec: 999999999 },
    }],
    ["1.000000001#-2147483648", { sequence: 2147483648, time: { sec: 1, nsec: 1 } }],
    ["", null], // assert capture off: the kernel prints nothing
    ["\n", null],
  ];
  for (const [text, want] of table) {
    assert.deepEqual(parseSysfsAssert(text), want, JSON.stringify(text));
  }
});

Deno.test("parseSysfsAssert: exact error for anything else", () => {
  for (const text of ["1795503447.00172617#3", "1795503447.001726176", "x.001726176#3", "1.5#1"]) {
    assert.throws(() => parseSysfsAssert(`${text}\n`), {
      name: "SyntaxError",
      message: `Cannot parse PPS assert ${JSON.stringify(text)}: expected sec.nsec#sequence`,
    });
  }
});

Deno.test("readSmallFile: whole file through libc; exact errors", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mcp-utc-time-pps-file-" });
  try {
    await Deno.writeTextFile(`${dir}/a`, "pps@12.-1\n");
    assert.equal(readSmallFile(`${dir}/a`), "pps@12.-1\n");
    await Deno.writeTextFile(`${dir}/big`, "x".repeat(5000));
    assert.equal(readSmallFile(`${dir}/big`, 5000).length, 5000);
    assert.throws(() => readSmallFile(`${dir}/big`), {
      name: "RangeError",
      message: `Cannot read ${dir}/big: more than 4096 bytes`,
    });
    assert.throws(() => readSmallFile(`${dir}/none`), (e) => {
      assert.ok(e instanceof SyscallError);
      assert.equal(e.code, "ENOENT");
      assert.equal(
        e.message,
        `Cannot open ${dir}/none: open failed: No such file or directory (ENOENT)`,
      );
      return true;
    });
    // /proc, which Deno's own file API refuses without --allow-all, reads fine through libc.
    assert.match(readSmallFile("/proc/self/stat"), /^\d+ \(/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listPpsSources: pps0-pps15 in number order, with name and path; [] when none", async () => {
  const root = await Deno.makeTempDir({ prefix: "mcp-utc-time-pps-class-" });
  try {
    assert.deepEqual(listPpsSources(`${root}/missing`), []);
    assert.deepEqual(listPpsSources(root), []);
    const make = async (id: string, name: string, path: string, assertText: string) => {
      await Deno.mkdir(`${root}/${id}`);
      await Deno.writeTextFile(`${root}/${id}/name`, `${name}\n`);
      await Deno.writeTextFile(`${root}/${id}/path`, `${path}\n`);
      await Deno.writeTextFile(`${root}/${id}/assert`, assertText);
    };
    await make("pps10", "ktimer", "", "");
    await make("pps2", "pps-ldisc", "/dev/ttyAMA0", "1795503447.000512345#12\n");
    await make("pps0", "pps@12.-1", "", "0.000000000#0\n");
    await Deno.mkdir(`${root}/pps16`); // beyond PPS_MAX_SOURCES: the kernel never makes it
    assert.deepEqual(listPpsSources(root), [
      { id: "pps0", device: "/dev/pps0", dir: `${root}/pps0`, name: "pps@12.-1", path: null },
      {
        id: "pps2",
        device: "/dev/pps2",
        dir: `${root}/pps2`,
        name: "pps-ldisc",
        path: "/dev/ttyAMA0",
      },
      { id: "pps10", device: "/dev/pps10", dir: `${root}/pps10`, name: "ktimer", path: null },
    ]);
    assert.equal(sysfsEntry("pps1", root), null);
    assert.deepEqual(readSysfsAssert(`${root}/pps2`), {
      sequence: 12,
      time: { sec: 1795503447, nsec: 512345 },
    });
    assert.equal(readSysfsAssert(`${root}/pps10`), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
