import assert from "node:assert/strict";
import { loadDataset, readManifest, simulateDataset } from "../lib/data/dataset.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import type { Simulator } from "../lib/models/model.ts";
import { rcModel } from "../lib/models/rc.ts";

const runtime = await GpuRuntime.acquire({ notice: () => {} });
const base = { model: rcModel, runtime, n: 2500, seed: 7, shardSize: 1000 };

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-dataset-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("dataset: θ drawn from the prior, x simulated from exactly those θ, manifest complete", async () => {
  await withTempDir(async (dir) => {
    const manifest = await simulateDataset({ ...base, dir: `${dir}/ds` });
    const { theta, x } = await loadDataset(`${dir}/ds`);
    assert.equal(manifest.status, "complete");
    assert.deepEqual([theta.rows, theta.cols, x.rows, x.cols], [2500, 3, 2500, 701]);
    assert.deepEqual(manifest.theta_names, ["amp1", "amp2", "latency"]);
    assert.equal(manifest.nonfinite_rows, 0);
    assert.ok((manifest.sims_per_second ?? 0) > 0);
    rcModel.prior.assertInSupport(theta.data);
    assert.deepEqual(x.data, await rcModel.simulate(runtime, theta.data));
    const entries = [...Deno.readDirSync(`${dir}/ds`)].map((e) => e.name).sort();
    assert.deepEqual(entries, ["manifest.json", "theta.npy", "x.npy"]);
  });
});

Deno.test("dataset: an interrupted run resumes to the same files as an uninterrupted one", async () => {
  await withTempDir(async (dir) => {
    await simulateDataset({ ...base, dir: `${dir}/whole` });
    await assert.rejects(
      simulateDataset({
        ...base,
        dir: `${dir}/cut`,
        onProgress: (done) => {
          if (done > 2000) throw new Error("interrupted");
        },
      }),
      /interrupted/,
    );
    assert.equal((await readManifest(`${dir}/cut`))?.status, "partial");
    await assert.rejects(loadDataset(`${dir}/cut`), /partial dataset/);
    const shards = [...Deno.readDirSync(`${dir}/cut/shards`)].map((e) => e.name).sort();
    assert.deepEqual(shards, ["theta-00000.npy", "theta-00001.npy", "x-00000.npy", "x-00001.npy"]);

    const resumedFrom: number[] = [];
    await simulateDataset({ ...base, dir: `${dir}/cut`, onProgress: (done) => resumedFrom.push(done) });
    assert.deepEqual(resumedFrom.slice(0, 2), [1000, 2000], "the two finished shards are not simulated again");
    const whole = await loadDataset(`${dir}/whole`), resumed = await loadDataset(`${dir}/cut`);
    assert.deepEqual(resumed.theta, whole.theta);
    assert.deepEqual(resumed.x, whole.x);
  });
});

Deno.test("dataset: a folder of another run or of other files is refused", async () => {
  await withTempDir(async (dir) => {
    await simulateDataset({ ...base, n: 10, dir: `${dir}/ds` });
    await assert.rejects(simulateDataset({ ...base, n: 10, seed: 8, dir: `${dir}/ds` }), /another run: seed 7/);
    await Deno.mkdir(`${dir}/other`);
    await Deno.writeTextFile(`${dir}/other/notes.txt`, "x");
    await assert.rejects(simulateDataset({ ...base, dir: `${dir}/other` }), /not empty/);
    await assert.rejects(simulateDataset({ ...base, n: 0, dir: `${dir}/zero` }), /positive integer/);
  });
});

Deno.test("dataset: each row gets its own seed, whatever the sharding", async () => {
  // A simulator whose output is the seed it was given for each row.
  const seeded: Simulator = {
    ...rcModel,
    name: "seed-echo",
    simulate: (_runtime, theta, options) => {
      const n = theta.length / 3, t = rcModel.timesMs.length;
      return Promise.resolve(Float32Array.from({ length: n * t }, (_, i) => options?.seeds?.[Math.floor(i / t)] ?? -1));
    },
  };
  await withTempDir(async (dir) => {
    await simulateDataset({ ...base, model: seeded, n: 2000, shardSize: 700, dir: `${dir}/a` });
    await simulateDataset({ ...base, model: seeded, n: 2000, shardSize: 2000, dir: `${dir}/b` });
    const a = await loadDataset(`${dir}/a`), b = await loadDataset(`${dir}/b`);
    assert.deepEqual(a.x.data, b.x.data);
    const t = rcModel.timesMs.length;
    const seeds = Array.from({ length: 2000 }, (_, i) => a.x.data[i * t]);
    assert.equal(new Set(seeds).size, 2000, "distinct seeds");
    assert.deepEqual(seeds.slice(0, 2), [7 * 2000, 7 * 2000 + 1]);
  });
});
