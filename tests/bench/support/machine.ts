/**
 * Bench-only: a one-line description of the machine and runtime a result was measured on.
 *
 * @module
 */

function firstMatch(path: string, re: RegExp): string | null {
  try {
    return Deno.readTextFileSync(path).match(re)?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

/** CPU model, logical CPUs, kernel, load average and Deno version, e.g. for a table header. */
export function describeMachine(): string {
  const cpu = firstMatch("/proc/cpuinfo", /^model name\s*:\s*(.+)$/m) ?? Deno.build.arch;
  const load = firstMatch("/proc/loadavg", /^(\S+ \S+ \S+)/) ?? "?";
  return `${cpu}, ${navigator.hardwareConcurrency} logical CPUs, Linux ${Deno.osRelease()} ` +
    `${Deno.build.arch}, load ${load}, Deno ${Deno.version.deno}`;
}
