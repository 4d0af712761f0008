/**
 * The PPS ABI (ioctl numbers, struct offsets) against the C headers, and table tests of the pure
 * decoders, including one corrupted byte per error message.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  decodePpsFdata,
  decodePpsKinfo,
  decodePpsKparams,
  ppsModeNames,
} from "../src/pps/decode.ts";
import {
  PPS_API_VERS_1,
  PPS_FDATA,
  PPS_FDATA_SIZE,
  PPS_IOCTL,
  PPS_KINFO,
  PPS_KINFO_SIZE,
  PPS_KPARAMS,
  PPS_KPARAMS_SIZE,
  PPS_KTIME,
  PPS_KTIME_SIZE,
  PPS_MODE,
  PPS_TIME_INVALID,
} from "../src/pps/layout.ts";
import { decodeStatx, STATX, STATX_SIZE, STATX_WANT } from "../src/pps/statx.ts";
import { ROOT } from "./support/deno.ts";
import { hasCommand, missing, pathExists as exists, skipUnless } from "./support/prereq.ts";

const PPSABI_C = `${ROOT}/../shared/pps-rig/ppsabi.c`;

/** Compiles a C program and returns its output. */
async function compileAndRun(source: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-utc-time-ppsabi-" });
  try {
    await Deno.writeTextFile(`${dir}/abi.c`, source);
    const cc = await new Deno.Command("gcc", {
      args: ["-o", `${dir}/abi`, `${dir}/abi.c`],
      stderr: "piped",
    })
      .output();
    assert.equal(cc.code, 0, new TextDecoder().decode(cc.stderr));
    const run = await new Deno.Command(`${dir}/abi`, { stdout: "piped" }).output();
    assert.equal(run.code, 0);
    return new TextDecoder().decode(run.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ABI_NAME =
  "PPS layout: ioctl numbers, sizes and offsets equal <linux/pps.h> (gcc + ppsabi.c)";
Deno.test(
  {
    name: ABI_NAME,
    ignore: skipUnless(
      ABI_NAME,
      missing(
        [hasCommand("gcc"), "gcc is missing (apt gcc)"],
        [exists(PPSABI_C), `${PPSABI_C} is missing`],
        [exists("/usr/include/linux/pps.h"), "linux/pps.h is missing (apt linux-libc-dev)"],
      ),
    ),
  },
  async () => {
    const out = await compileAndRun(await Deno.readTextFile(PPSABI_C));
    const num = (name: string) => {
      const m = new RegExp(`${name}\\s*=\\s*(0x[0-9a-f]+|\\d+)`).exec(out);
      assert.ok(m !== null, `${name} not in:\n${out}`);
      return Number(m[1]);
    };
    const field = (struct: string, f: string) => {
      const m = new RegExp(`${struct}\\.${f}\\s+off=\\s*(\\d+) size=(\\d+)`).exec(out);
      assert.ok(m !== null, `${struct}.${f} not in:\n${out}`);
      return { off: Number(m[1]), size: Number(m[2]) };
    };
    assert.equal(BigInt(num("PPS_GETPARAMS")), PPS_IOCTL.GETPARAMS);
    assert.equal(BigInt(num("PPS_GETCAP")), PPS_IOCTL.GETCAP);
    assert.equal(BigInt(num("PPS_FETCH")), PPS_IOCTL.FETCH);
    assert.equal(num("sizeof\\(pps_ktime\\)"), PPS_KTIME_SIZE);
    assert.equal(num("sizeof\\(pps_kinfo\\)"), PPS_KINFO_SIZE);
    assert.equal(num("sizeof\\(pps_kparams\\)"), PPS_KPARAMS_SIZE);
    assert.equal(num("sizeof\\(pps_fdata\\)"), PPS_FDATA_SIZE);
    assert.deepEqual(field("pps_ktime", "sec"), { off: PPS_KTIME.sec, size: 8 });
    assert.deepEqual(field("pps_ktime", "nsec"), { off: PPS_KTIME.nsec, size: 4 });
    assert.deepEqual(field("pps_ktime", "flags"), { off: PPS_KTIME.flags, size: 4 });
    assert.deepEqual(field("pps_kinfo", "assert_sequence"), {
      off: PPS_KINFO.assertSequence,
      size: 4,
    });
    assert.deepEqual(field("pps_kinfo", "clear_sequence"), {
      off: PPS_KINFO.clearSequence,
      size: 4,
    });
    assert.deepEqual(field("pps_kinfo", "assert_tu"), { off: PPS_KINFO.assertTu, size: 16 });
    assert.deepEqual(field("pps_kinfo", "clear_tu"), { off: PPS_KINFO.clearTu, size: 16 });
    assert.deepEqual(field("pps_kinfo", "current_mode"), { off: PPS_KINFO.currentMode, size: 4 });
    assert.deepEqual(field("pps_kparams", "api_version"), { off: PPS_KPARAMS.apiVersion, size: 4 });
    assert.deepEqual(field("pps_kparams", "mode"), { off: PPS_KPARAMS.mode, size: 4 });
    assert.deepEqual(field("pps_kparams", "assert_off_tu"), {
      off: PPS_KPARAMS.assertOffTu,
      size: 16,
    });
    assert.deepEqual(field("pps_kparams", "clear_off_tu"), {
      off: PPS_KPARAMS.clearOffTu,
      size: 16,
    });
    assert.deepEqual(field("pps_fdata", "info"), { off: PPS_FDATA.info, size: 48 });
    assert.deepEqual(field("pps_fdata", "timeout"), { off: PPS_FDATA.timeout, size: 16 });
    assert.equal(num("PPS_CAPTUREASSERT"), PPS_MODE.CAPTUREASSERT);
    assert.equal(num("PPS_CAPTURECLEAR"), PPS_MODE.CAPTURECLEAR);
    assert.equal(num("PPS_TSFMT_TSPEC"), PPS_MODE.TSFMT_TSPEC);
    assert.equal(num("PPS_CANWAIT"), PPS_MODE.CANWAIT);
    assert.equal(num("PPS_TIME_INVALID"), PPS_TIME_INVALID);
    assert.equal(num("PPS_API_VERS_1"), PPS_API_VERS_1);
  },
);

const STATX_NAME = "statx layout: size and owner/mode offsets equal <linux/stat.h> (gcc)";
Deno.test(
  {
    name: STATX_NAME,
    ignore: skipUnless(
      STATX_NAME,
      missing(
        [hasCommand("gcc"), "gcc is missing (apt gcc)"],
        [exists("/usr/include/linux/stat.h"), "linux/stat.h is missing (apt linux-libc-dev)"],
      ),
    ),
  },
  async () => {
    const out = await compileAndRun(`#include <stdio.h>
#include <stddef.h>
#include <linux/stat.h>
int main(void) {
  printf("%zu %zu %zu %zu %zu %d\\n", sizeof(struct statx), offsetof(struct statx, stx_mask),
    offsetof(struct statx, stx_uid), offsetof(struct statx, stx_gid), offsetof(struct statx, stx_mode),
    STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID);
  return 0;
}
`);
    assert.equal(
      out.trim(),
      `${STATX_SIZE} ${STATX.mask} ${STATX.uid} ${STATX.gid} ${STATX.mode} ${STATX_WANT}`,
    );
  },
);

/** A pps_ktime written at `at`. */
function putKtime(v: DataView, at: number, sec: number, nsec: number, flags = 0): void {
  v.setBigInt64(at + PPS_KTIME.sec, BigInt(sec), true);
  v.setInt32(at + PPS_KTIME.nsec, nsec, true);
  v.setUint32(at + PPS_KTIME.flags, flags, true);
}

/** The bytes of a pps_kinfo as the kernel fills it after two pulses of a pps_parport source. */
function kinfoBytes(size = PPS_KINFO_SIZE, base = 0): Uint8Array {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  v.setUint32(base + PPS_KINFO.assertSequence, 4_000_000_000, true); // above 2³¹: u32
  v.setUint32(base + PPS_KINFO.clearSequence, 0, true);
  putKtime(v, base + PPS_KINFO.assertTu, 1_795_503_447, 1_726_176);
  putKtime(v, base + PPS_KINFO.clearTu, 0, 0);
  v.setInt32(base + PPS_KINFO.currentMode, 0x1011, true);
  return b;
}

const EXPECTED_INFO = {
  assert: { sequence: 4_000_000_000, time: { sec: 1_795_503_447, nsec: 1_726_176 } },
  clear: { sequence: 0, time: { sec: 0, nsec: 0 } },
  currentMode: 0x1011,
};

Deno.test("decodePpsKinfo / decodePpsFdata: fields at their offsets", () => {
  assert.deepEqual(decodePpsKinfo(kinfoBytes()), EXPECTED_INFO);
  const fdata = kinfoBytes(PPS_FDATA_SIZE, PPS_FDATA.info);
  putKtime(new DataView(fdata.buffer), PPS_FDATA.timeout, 0, 0, PPS_TIME_INVALID);
  assert.deepEqual(decodePpsFdata(fdata), EXPECTED_INFO);
  // A view into a larger buffer decodes from its own offset.
  const big = new Uint8Array(PPS_KINFO_SIZE + 8);
  big.set(kinfoBytes(), 8);
  assert.deepEqual(decodePpsKinfo(big.subarray(8)), EXPECTED_INFO);
});

Deno.test("decodePpsKinfo / decodePpsFdata: exact errors for short input and one corrupted byte", () => {
  assert.throws(() => decodePpsKinfo(new Uint8Array(47)), {
    name: "RangeError",
    message: "Cannot decode pps_kinfo: 47 bytes given, 48 needed",
  });
  assert.throws(() => decodePpsFdata(new Uint8Array(48)), {
    name: "RangeError",
    message: "Cannot decode pps_fdata: 48 bytes given, 64 needed",
  });
  const cases: [number, string][] = [
    [PPS_KINFO.assertTu + PPS_KTIME.nsec + 3, "assert_tu nsec -2145757472 is outside 0-999999999"],
    [PPS_KINFO.clearTu + PPS_KTIME.nsec + 3, "clear_tu nsec -2147483648 is outside 0-999999999"],
  ];
  for (const [at, msg] of cases) {
    const b = kinfoBytes();
    b[at] = b[at]! ^ 0x80;
    assert.throws(() => decodePpsKinfo(b), {
      name: "RangeError",
      message: `Cannot decode pps_kinfo: ${msg}`,
    });
    const f = kinfoBytes(PPS_FDATA_SIZE);
    f[at] = f[at]! ^ 0x80;
    assert.throws(() => decodePpsFdata(f), {
      name: "RangeError",
      message: `Cannot decode pps_fdata: ${msg}`,
    });
  }
});

function kparamsBytes(): Uint8Array {
  const b = new Uint8Array(PPS_KPARAMS_SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(PPS_KPARAMS.apiVersion, PPS_API_VERS_1, true);
  v.setInt32(
    PPS_KPARAMS.mode,
    PPS_MODE.CAPTUREASSERT | PPS_MODE.OFFSETASSERT | PPS_MODE.TSFMT_TSPEC,
    true,
  );
  putKtime(v, PPS_KPARAMS.assertOffTu, 0, 250_000);
  putKtime(v, PPS_KPARAMS.clearOffTu, -1, 999_000_000);
  return b;
}

Deno.test("decodePpsKparams: fields, offsets in ns, exact errors", () => {
  assert.deepEqual(decodePpsKparams(kparamsBytes()), {
    apiVersion: 1,
    mode: 0x1011,
    assertOffsetNs: 250_000,
    clearOffsetNs: -1_000_000,
  });
  assert.throws(() => decodePpsKparams(new Uint8Array(39)), {
    name: "RangeError",
    message: "Cannot decode pps_kparams: 39 bytes given, 40 needed",
  });
  const b = kparamsBytes();
  b[PPS_KPARAMS.apiVersion] = 2;
  assert.throws(() => decodePpsKparams(b), {
    name: "RangeError",
    message: "Cannot decode pps_kparams: api_version 2 is not 1 (PPS_API_VERS_1)",
  });
  const c = kparamsBytes();
  c[PPS_KPARAMS.assertOffTu + PPS_KTIME.nsec + 3] = 0xff;
  assert.throws(() => decodePpsKparams(c), {
    name: "RangeError",
    message: "Cannot decode pps_kparams: assert_off_tu nsec -16527216 is outside 0-999999999",
  });
});

Deno.test("ppsModeNames: names in bit order, unknown bits in hex", () => {
  const table: [number, string[]][] = [
    [0, []],
    [0x1, ["CAPTUREASSERT"]],
    [0x1133, [
      "CAPTUREASSERT",
      "CAPTURECLEAR",
      "OFFSETASSERT",
      "OFFSETCLEAR",
      "CANWAIT",
      "TSFMT_TSPEC",
    ]],
    [0x11f3, [
      "CAPTUREASSERT",
      "CAPTURECLEAR",
      "OFFSETASSERT",
      "OFFSETCLEAR",
      "ECHOASSERT",
      "ECHOCLEAR",
      "CANWAIT",
      "TSFMT_TSPEC",
    ]],
    [0x4001, ["CAPTUREASSERT", "0x4000"]],
    [-1, [...Object.keys(PPS_MODE), "0xffffcc0c"]],
  ];
  for (const [bits, names] of table) {
    assert.deepEqual(ppsModeNames(bits), names, `0x${bits.toString(16)}`);
  }
});

function statxBytes(): Uint8Array {
  const b = new Uint8Array(STATX_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(STATX.mask, 0x7ff, true);
  v.setUint32(STATX.uid, 0, true);
  v.setUint32(STATX.gid, 997, true);
  v.setUint16(STATX.mode, 0o20640, true);
  return b;
}

Deno.test("decodeStatx: owner and mode; exact errors", () => {
  assert.deepEqual(decodeStatx(statxBytes()), { uid: 0, gid: 997, mode: 0o20640 });
  assert.throws(() => decodeStatx(new Uint8Array(255)), {
    name: "RangeError",
    message: "Cannot decode statx: 255 bytes given, 256 needed",
  });
  const b = statxBytes();
  b[STATX.mask] = 0xf7; // STATX_UID cleared
  assert.throws(() => decodeStatx(b), {
    name: "RangeError",
    message: "Cannot decode statx: stx_mask 0x7f7 lacks type, mode, uid or gid",
  });
});
