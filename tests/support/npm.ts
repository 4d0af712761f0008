/**
 * Test-only: installing npm packages into an ignored folder of the checkout (no package.json, no
 * lockfile, nothing saved).
 *
 * @module
 */

/** Runs `npm install` of `packages` into `prefix`; returns npm's stderr when it fails. */
export async function npmInstall(
  prefix: string,
  packages: readonly string[],
  opts: { ignoreScripts?: boolean } = {},
): Promise<{ ok: boolean; code: number; stderr: string }> {
  Deno.mkdirSync(prefix, { recursive: true });
  const out = await new Deno.Command("npm", {
    args: [
      "install",
      "--silent",
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      ...(opts.ignoreScripts ? ["--ignore-scripts"] : []),
      "--prefix",
      prefix,
      ...packages,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  return { ok: out.success, code: out.code, stderr: new TextDecoder().decode(out.stderr).trim() };
}
