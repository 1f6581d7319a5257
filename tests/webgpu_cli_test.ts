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

Deno.test("cli: a posterior trained with --backend webgpu, saved and loaded, samples alike on wasm and webgpu", async () => {
  const data = join(dir, "rc");
  const simulated = await cli("simulate", "--model", "rc", "--sims", "300", "--seed", "2", "--out", data);
  assert.equal(simulated.code, 0, simulated.stderr);
  // rc's x is a waveform: one row of it, as a CSV, is the observation.
  const x = await cli("simulate", "--model", "rc", "--theta-file", await thetaFile(), "--out", join(dir, "obs.json"));
  assert.equal(x.code, 0, x.stderr);
  const waveform = JSON.parse(await Deno.readTextFile(join(dir, "obs.json"))).x[0] as number[];
  await Deno.writeTextFile(join(dir, "x.csv"), waveform.join(",") + "\n");
  // (The reverse, a tfjs-trained flow sampled on both, is tests/webgpu_flow_test.ts's accelerator test.)
  for (const trainedOn of ["webgpu"]) {
    const posterior = join(dir, `post-${trainedOn}`);
    const trained = await cli(
      "train",
      ...["--data", data, "--out", posterior, "--flow", "maf", "--max-epochs", "2", "--backend", trainedOn],
    );
    assert.equal(trained.code, 0, trained.stderr);
    const draws: number[][][] = [];
    for (const sampledOn of ["wasm", "webgpu"]) {
      const out = join(dir, `s-${trainedOn}-${sampledOn}.csv`);
      const run = await cli(
        "sample",
        ...["--posterior", posterior, "--x", join(dir, "x.csv"), "--samples", "200", "--out", out],
        ...["--backend", sampledOn],
      );
      assert.equal(run.code, 0, run.stderr);
      draws.push((await Deno.readTextFile(out)).trim().split("\n").slice(1).map((l) => l.split(",").map(Number)));
    }
    for (let i = 0; i < 50; i++) {
      draws[0][i].forEach((v, j) => assert.ok(Math.abs(v - draws[1][i][j]) <= 1e-3 * Math.max(1, Math.abs(v))));
    }
  }
});

async function thetaFile(): Promise<string> {
  const path = join(dir, "theta.csv");
  const prior = JSON.parse(await Deno.readTextFile(join(dir, "rc", "manifest.json"))).prior as {
    name: string;
    low: number;
    high: number;
  }[];
  await Deno.writeTextFile(
    path,
    `${prior.map((p) => p.name).join(",")}\n${prior.map((p) => (p.low + p.high) / 2).join(",")}\n`,
  );
  return path;
}
