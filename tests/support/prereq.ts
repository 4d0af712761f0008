/**
 * Test-only: prerequisites of integration tests. A test whose prerequisite is missing is
 * registered with `ignore: true` and says why on stderr (loudly); in CI everything is installed
 * (build/test_deps.sh), so nothing skips there.
 *
 * @module
 */

/** Whether `name` is an executable file on PATH (or an executable absolute path). */
export function hasCommand(name: string): boolean {
  const dirs = name.includes("/") ? [""] : (Deno.env.get("PATH") ?? "").split(":");
  for (const dir of dirs) {
    try {
      const st = Deno.statSync(dir === "" ? name : `${dir}/${name}`);
      if (st.isFile && ((st.mode ?? 0) & 0o111) !== 0) return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** Whether `path` exists (any kind of file; a dangling link counts as missing). */
export function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether this process runs as root. */
export function isRoot(): boolean {
  return Deno.uid() === 0;
}

/**
 * The reasons a test cannot run: each `[ok, reason]` pair whose `ok` is false contributes its
 * reason. Empty when everything is there.
 */
export function missing(...checks: [boolean, string][]): string[] {
  return checks.filter(([ok]) => !ok).map(([, reason]) => reason);
}

/**
 * `ignore` for `Deno.test`: true when `reasons` is non-empty, after printing them to stderr so
 * that a skipped test is impossible to overlook.
 */
export function skipUnless(testName: string, reasons: string[]): boolean {
  if (reasons.length === 0) return false;
  console.error(
    `\n!!! SKIPPING "${testName}": ${reasons.join("; ")} (run build/test_deps.sh as root)\n`,
  );
  return true;
}
