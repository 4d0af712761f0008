/**
 * `uname(2)`: the running kernel's name, release and machine.
 *
 * @module
 */
import { checked } from "./check.ts";
import { libc } from "./libc.ts";
import { decodeUtsname, type Utsname, UTSNAME_SIZE } from "../check/utsname.ts";

/** The running kernel's `struct utsname`, decoded. */
export function uname(): Utsname {
  const buf = new Uint8Array(UTSNAME_SIZE);
  checked(libc().uname(buf), "read the kernel's name", "uname");
  return decodeUtsname(buf);
}
