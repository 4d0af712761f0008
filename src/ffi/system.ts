/**
 * Small facts about this process and machine, from libc.
 *
 * @module
 */
import { libc } from "./libc.ts";

/** The real uid of this process (`getuid`). */
export function currentUid(): number {
  return libc().getuid();
}

/** The kernel's page size in bytes (`getpagesize`): 4096, or 16384 on a Pi 5's default kernel. */
export function pageSize(): number {
  return libc().getpagesize();
}
