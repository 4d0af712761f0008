/**
 * Test-only: boots the PPS rig (../shared/pps-rig: QEMU, Debian's kernel, `pps_parport` pulsed at
 * 1 Hz) once with this repository's code, the running Deno and a filled DENO_DIR shared at /mnt,
 * and runs a guest script. The guest copies the code and cache to /tmp (as `/tmp/app`, `/tmp/dd`).
 *
 * @module
 */
import { ROOT } from "./deno.ts";
import { hasCommand, isRoot, missing, pathExists as exists } from "./prereq.ts";

/** The rig's scripts. */
export const RIG = `${ROOT}/../shared/pps-rig`;
/** Where setup.sh put the kernel and initramfs. */
export const RIG_DIR = Deno.env.get("PPS_RIG_DIR") ?? "/tmp/pps-rig";

/** Why the rig cannot run here (empty when it can). */
export function rigMissing(): string[] {
  return missing(
    [
      Deno.build.arch === "x86_64",
      `the rig's guest runs an x86_64 Deno; this is ${Deno.build.arch}`,
    ],
    [isRoot(), "not root (build/test_deps.sh sets the rig up as root)"],
    [exists(`${RIG}/run.sh`), `${RIG}/run.sh is missing`],
    [
      hasCommand("qemu-system-x86_64"),
      "qemu-system-x86_64 is missing (bash ../shared/pps-rig/setup.sh)",
    ],
    [exists(`${RIG_DIR}/initramfs.cpio.gz`), `the rig is not set up in ${RIG_DIR} (setup.sh)`],
  );
}

/** The guest script's first lines: copy the shared code and cache to the guest's tmpfs. */
export const GUEST_PROLOGUE = `#!/bin/sh
busybox cp -r /mnt/app /tmp/app && busybox cp -r /mnt/denodir /tmp/dd && chmod -R a+rwX /tmp/dd /tmp/app
`;

async function run(cmd: string, args: string[], env: Record<string, string>, cwd: string) {
  const out = await new Deno.Command(cmd, { args, env, cwd, stdin: "null" }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/**
 * Boots the rig once: shares `paths` (relative to the repository root) and a DENO_DIR filled by
 * `deno cache ENTRY`, runs `guestScript` (which should start with {@linkcode GUEST_PROLOGUE}),
 * and returns the guest console with `\r` removed.
 *
 * @throws {Error} when caching fails or the guest never reported its exit status.
 */
export async function bootRig(
  paths: string[],
  entry: string,
  guestScript: string,
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mcp-utc-time-rig-" });
  try {
    await Deno.chmod(dir, 0o755); // nobody in the guest walks /mnt
    await Deno.copyFile(Deno.execPath(), `${dir}/deno`);
    await Deno.chmod(`${dir}/deno`, 0o755);
    await Deno.mkdir(`${dir}/app`);
    const cp = await run("cp", ["-r", "--parents", ...paths, `${dir}/app/`], {}, ROOT);
    if (cp.code !== 0) throw new Error(`Cannot copy the code for the rig: ${cp.stderr}`);
    const cache = await run(Deno.execPath(), ["cache", entry], {
      DENO_DIR: `${dir}/denodir`,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    }, `${dir}/app`);
    if (cache.code !== 0) throw new Error(`Cannot fill the rig's DENO_DIR: ${cache.stderr}`);
    await Deno.writeTextFile(`${dir}/rig-cmd`, guestScript, { mode: 0o755 });
    await Deno.chmod(`${dir}/rig-cmd`, 0o755);
    const t0 = performance.now();
    const r = await run("bash", [`${RIG}/run.sh`, dir], {
      RIG_TIMEOUT: "900",
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    }, ROOT);
    console.error(
      `pps rig: boot + guest run took ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    if (r.code === 3 || !r.stdout.includes("RIG-RC=")) {
      throw new Error(
        `The rig did not run the guest command (exit ${r.code}):\n${r.stdout}\n${r.stderr}`,
      );
    }
    return r.stdout.replaceAll("\r", "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
