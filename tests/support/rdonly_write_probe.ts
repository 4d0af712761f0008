/**
 * Test-only: attaches NTP SHM unit UNIT with the product's own {@linkcode ShmAttachment} (as the
 * server does), prints the mapping's line from /proc/self/maps, then tries to write one byte
 * through that mapping. A read-only attachment makes the write fault: the process dies of
 * SIGSEGV before it can print `wrote`.
 *
 * Run: `deno run --allow-all rdonly_write_probe.ts UNIT`.
 *
 * @module
 */
import { ShmAttachment, shmLookup } from "../../src/ffi/shm.ts";
import { SHM_TIME_SIZE, shmKey } from "../../src/shm/layout.ts";

const unit = Number(Deno.args[0]);
const key = shmKey(unit);
using _att = ShmAttachment.attach(shmLookup(key, "find"), SHM_TIME_SIZE, "attach");
// The kernel names a SysV mapping "/SYSV<key, 8 hex digits>".
const name = `/SYSV${key.toString(16).padStart(8, "0")}`;
const line = Deno.readTextFileSync("/proc/self/maps").split("\n").find((l) => l.includes(name));
if (line === undefined) throw new Error(`Cannot find ${name} in /proc/self/maps`);
console.log(line);
const start = BigInt(`0x${line.split("-")[0]}`);
const bytes = new Uint8Array(
  Deno.UnsafePointerView.getArrayBuffer(Deno.UnsafePointer.create(start)!, 8),
);
bytes[0] = bytes[0]! ^ 0xff; // must fault
console.log("wrote");
