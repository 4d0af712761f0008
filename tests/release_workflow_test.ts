/**
 * .github/workflows/release.yml: it parses, runs on version tags, builds with `deno task compile`,
 * self-tests the x86_64 binary, and its install.sh step really stamps the release URL (the step's
 * own script is run here on a real dist/ directory).
 */
import assert from "node:assert/strict";
import { hasCommand, missing, skipUnless } from "./support/prereq.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const WORKFLOW = `${ROOT}.github/workflows/release.yml`;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
}

const pyYaml = hasCommand("python3") &&
  (await new Deno.Command("python3", { args: ["-c", "import yaml"] }).output()).success;
const reasons = missing([pyYaml, "python3 with the yaml module is missing (Debian python3-yaml)"]);

/** The workflow as JSON, parsed by PyYAML (`on` is YAML 1.1's boolean true there). */
async function workflow(): Promise<Record<string, unknown>> {
  const out = await new Deno.Command("python3", {
    args: [
      "-c",
      "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
      WORKFLOW,
    ],
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({
  name: "release.yml: on v* tags, compile both targets, --check the x86_64 binary, publish",
  ignore: skipUnless("release.yml parses", reasons),
  fn: async () => {
    const wf = await workflow();
    assert.deepEqual(wf["true"], { push: { tags: ["v*"] } });
    const steps = (wf.jobs as { release: { steps: Step[] } }).release.steps;
    const runs = steps.map((s) => s.run ?? "").join("\n");
    assert.match(runs, /\.\/build\/deno\.sh task compile\n/);
    assert.match(runs, /bin=dist\/mcp-utc-time-\$VERSION-x86_64-unknown-linux-gnu\n/);
    assert.match(runs, /"\$bin" --check\n/);
    assert.match(runs, /sha256sum -c SHA256SUMS/);
    assert.match(
      runs,
      /gh release create .*\n.*\n\s+dist\/mcp-utc-time-"\$VERSION"-\* dist\/SHA256SUMS dist\/install\.sh/,
    );
  },
});

Deno.test({
  name: "release.yml: its checksum/install.sh step stamps the release URL into install.sh",
  ignore: skipUnless("release.yml stamp step", reasons),
  fn: async () => {
    const steps = ((await workflow()).jobs as { release: { steps: Step[] } }).release.steps;
    const step = steps.find((s) => s.name === "Checksums and install.sh");
    assert.ok(step?.run);
    const dir = await Deno.makeTempDir({ prefix: "release_workflow_test_" });
    try {
      await Deno.copyFile(`${ROOT}install.sh`, `${dir}/install.sh`);
      await Deno.mkdir(`${dir}/dist`);
      const asset = "mcp-utc-time-1.2.3-x86_64-unknown-linux-gnu";
      await Deno.copyFile(`${ROOT}install.sh`, `${dir}/dist/${asset}`); // any real file
      const sum = await new Deno.Command("sha256sum", { args: [asset], cwd: `${dir}/dist` })
        .output();
      await Deno.writeFile(`${dir}/dist/SHA256SUMS`, sum.stdout);
      const r = await new Deno.Command("bash", {
        args: ["-e", "-c", step.run],
        cwd: dir,
        env: { GITHUB_REPOSITORY: "someone/mcp-utc-time", GITHUB_REF_NAME: "v1.2.3" },
      }).output();
      assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
      const stamped = await Deno.readTextFile(`${dir}/dist/install.sh`);
      assert.match(
        stamped,
        /\nRELEASE_BASE_URL=https:\/\/github\.com\/someone\/mcp-utc-time\/releases\/download\/v1\.2\.3\n/,
      );
      const original = await Deno.readTextFile(`${ROOT}install.sh`);
      assert.equal(stamped.split("\n").length, original.split("\n").length);
      if (hasCommand("shellcheck")) {
        const sc = await new Deno.Command("shellcheck", { args: [`${dir}/dist/install.sh`] })
          .output();
        assert.equal(sc.code, 0, new TextDecoder().decode(sc.stdout));
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
