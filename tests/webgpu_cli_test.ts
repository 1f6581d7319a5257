/** `--backend webgpu` end to end (with the default flow, NSF): the same seeds give the same samples as the tfjs path. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "./reference/cli.ts";

const dir = await Deno.makeTempDir({ prefix: "neurosbi-webgpu-cli-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

async function sbibm(backend: string): Promise<number[][]> {
  const out = join(dir, `${backend}.csv`);
  const run = await cli(
    "sbibm",
    ...["--task", "two_moons", "--sims", "400", "--observation", "1", "--out", out, "--samples", "300"],
    ...["--max-epochs", "2", "--batch-size", "50", "--backend", backend],
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`two_moons: nsf on 400 simulations \\(${backend}\\), 2 epochs`));
  const lines = (await Deno.readTextFile(out)).trim().split("\n");
  assert.equal(lines[0], "parameter_1,parameter_2");
  return lines.slice(1).map((l) => l.split(",").map(Number));
}

Deno.test("cli: sbibm --backend webgpu trains and samples as the wasm path does from the same seed", async () => {
  const [gpu, wasm] = [await sbibm("webgpu"), await sbibm("wasm")];
  assert.equal(gpu.length, 300);
  // Float32 sums in another order: the first draws agree to 10⁻³ (later ones may differ in which were rejected).
  for (let i = 0; i < 50; i++) {
    for (let j = 0; j < 2; j++) {
      assert.ok(Math.abs(gpu[i][j] - wasm[i][j]) < 1e-3, `draw ${i}: ${gpu[i]} vs ${wasm[i]}`);
    }
  }
});
