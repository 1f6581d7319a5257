import assert from "node:assert/strict";
import {
  beginDataset,
  finaliseDataset,
  loadDataset,
  MAX_DATASET_ROWS,
  planDataset,
  readManifest,
  simulateDataset,
  simulateShards,
} from "../lib/data/dataset.ts";
import { writeSimulationsJson } from "../lib/data/simulations_json.ts";
import { ThetaStream } from "../lib/data/theta_stream.ts";
import { EXPERIMENTS } from "../lib/experiments/configs.ts";
import { withObservationNoise } from "../lib/experiments/checks.ts";
import { experimentSettings, runExperiment } from "../lib/experiments/run.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import type { Simulator } from "../lib/models/model.ts";
import { rcModel } from "../lib/models/rc.ts";
import { seededUniform } from "../lib/random.ts";
import { TINY_BUDGET } from "./reference/tiny_run.ts";

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
    const { manifest } = await simulateDataset({ ...base, dir: `${dir}/ds` });
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
    // Without a shard size asked for, the dataset resumes with its own.
    // Without a shard size asked for, the dataset resumes with its own.
    const { shardSize: _, ...withoutShardSize } = base;
    await simulateDataset({ ...withoutShardSize, dir: `${dir}/cut`, onProgress: (done) => resumedFrom.push(done) });
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

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("dataset: θ drawn shard by shard, skipping ahead, equals the whole seeded draw", () => {
  const whole = new Float32Array(rcModel.prior.sample(2500, seededUniform(7)));
  const stream = new ThetaStream(rcModel.prior, 7);
  assert.deepEqual(stream.rows(1000, 700), whole.subarray(1000 * 3, 1700 * 3), "skipping the first 1000 rows");
  assert.deepEqual(stream.rows(1700, 800), whole.subarray(1700 * 3), "then the rows after them");
  assert.throws(() => stream.rows(0, 10), /drawn in order/);
});

Deno.test("dataset: observation noise is part of the identity; a rerun or resume without it is refused", async () => {
  const noisy = withObservationNoise(rcModel, 0.25);
  await withTempDir(async (dir) => {
    const { manifest } = await simulateDataset({ ...base, model: noisy, n: 1200, dir: `${dir}/ds` });
    assert.deepEqual(manifest.model_settings, { observation_noise: 0.25 });
    const before = await Deno.readFile(`${dir}/ds/x.npy`),
      manifestBefore = await Deno.readTextFile(`${dir}/ds/manifest.json`);
    const { theta, x } = await loadDataset(`${dir}/ds`);
    const clean = await rcModel.simulate(runtime, theta.data);
    const deviation = x.data.reduce((m, v, i) => Math.max(m, Math.abs(v - clean[i])), 0);
    assert.ok(deviation > 0.2 && deviation <= 0.25, `noise of half-width 0.25 in x (max |x - clean| ${deviation})`);

    await assert.rejects(
      simulateDataset({ ...base, n: 1200, dir: `${dir}/ds` }),
      (error: Error) => /another run: observation_noise 0.25 \(asked none\); choose/.test(error.message),
    );
    assert.deepEqual(await Deno.readFile(`${dir}/ds/x.npy`), before, "the noisy x is left as it was");
    assert.equal(await Deno.readTextFile(`${dir}/ds/manifest.json`), manifestBefore);

    // A partial dataset: its shards are not mixed with shards of another noise level.
    await assert.rejects(
      simulateDataset({
        ...base,
        model: noisy,
        dir: `${dir}/cut`,
        onProgress: (done) => {
          if (done > 1000) throw new Error("interrupted");
        },
      }),
      /interrupted/,
    );
    await assert.rejects(
      simulateDataset({ ...base, model: withObservationNoise(rcModel, 0.5), dir: `${dir}/cut` }),
      /observation_noise 0.25 \(asked 0.5\)/,
    );
    await assert.rejects(
      simulateShards({ model: rcModel, runtime, dir: `${dir}/cut` }),
      /another model: observation_noise 0.25 \(asked none\)/,
    );
    assert.deepEqual(names(`${dir}/cut/shards`), ["theta-00000.npy", "x-00000.npy"], "nothing simulated");
  });
});

Deno.test("dataset: an experiment without --noise into a noisy run's folder stops before writing anything", async () => {
  await withTempDir(async (dir) => {
    // A small budget throughout, so that a broken check costs seconds, not a full experiment.
    const budget = { ...TINY_BUDGET, sims: 300 };
    const noisy = withObservationNoise(rcModel, EXPERIMENTS.rc.noise);
    const options = { config: EXPERIMENTS.rc, size: "small" as const, out: `${dir}/run`, budget, maxEpochs: 1 };
    // An unfinished noisy run: its record and its dataset.
    await simulateDataset({ model: noisy, runtime, n: budget.sims, seed: 0, dir: `${dir}/run/dataset` });
    const record = { ...experimentSettings({ ...options, noise: true }, rcModel), status: "failed" };
    await Deno.writeTextFile(`${dir}/run/experiment.json`, JSON.stringify(record));
    await assert.rejects(runExperiment({ ...options, runtime }), /holds another run \(noise 0.17\d* there, 0 here\)/);
    // The dataset alone refuses the noiseless model too, whoever asks.
    await assert.rejects(
      simulateDataset({ model: rcModel, runtime, n: budget.sims, seed: 0, dir: `${dir}/run/dataset` }),
      /another run: observation_noise 0.17\d* \(asked none\)/,
    );
    assert.deepEqual(names(`${dir}/run`), ["dataset", "experiment.json"], "no progress log, no lock");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/run/experiment.json`)), record, "record untouched");
  });
});

Deno.test("dataset: absurd n is refused up front and leaves no folder", async () => {
  // Refused before simulating: were the limits gone, this model would fail the test at once, not fill the disk.
  const model: Simulator = { ...rcModel, simulate: () => Promise.reject(new Error("simulated")) };
  const refusedBase = { ...base, model };
  await withTempDir(async (dir) => {
    const out = `${dir}/new/ds`;
    await assert.rejects(simulateDataset({ ...refusedBase, n: 1e9, dir: out }), /n = 1000000000 is beyond the limit/);
    await assert.rejects(simulateDataset({ ...refusedBase, n: 2 ** 53 - 1, dir: out }), /beyond the limit/);
    const wide: Simulator = { ...model, timesMs: new Float64Array(1_000_000) };
    await assert.rejects(
      simulateDataset({ ...base, model: wide, n: 1_000_000, dir: out }),
      /would make a 4.00 TB dataset of rc; one dataset may take at most 1.10 TB \(274877 rows of this model\)/,
    );
    await assert.rejects(
      simulateDataset({ ...refusedBase, n: MAX_DATASET_ROWS, seed: 2 ** 31, dir: out }),
      /seed 2147483648 is too large for n = 100000000/,
    );
    await assert.rejects(
      simulateDataset({ ...refusedBase, n: 10_000_000, shardSize: 1_000_000, dir: out }),
      /a shard of 1000000 rows would hold 2.8 GB in memory; at most 2.1 GB \(762600 rows of this model\)/,
    );
    assert.equal(await exists(`${dir}/new`), false);
  });
});

Deno.test("dataset: a start that fails before its first shard leaves nothing; a later run starts afresh", async () => {
  const failing: Simulator = { ...rcModel, simulate: () => Promise.reject(new Error("device lost")) };
  await withTempDir(async (dir) => {
    await assert.rejects(simulateDataset({ ...base, model: failing, dir: `${dir}/a/b` }), /device lost/);
    assert.equal(await exists(`${dir}/a`), false, "the folders it created are gone");
    await Deno.mkdir(`${dir}/empty`);
    await assert.rejects(simulateDataset({ ...base, model: failing, dir: `${dir}/empty` }), /device lost/);
    assert.deepEqual(names(`${dir}/empty`), [], "an existing empty folder is left empty");

    // A start killed before its first shard (manifest written, no shard) is replaced by a run of other settings.
    await beginDataset(await planDataset({ ...base, n: 50_000, dir: `${dir}/killed` }));
    const log: string[] = [];
    const { manifest } = await simulateDataset({ ...base, n: 10, dir: `${dir}/killed`, log: (m) => log.push(m) });
    assert.equal(manifest.n, 10);
    assert.match(log.join("\n"), /unfinished start without a simulated shard \(n 50000 \(asked 10\).*replacing it/);
  });
});

Deno.test("dataset: a rerun of a finished dataset removes leftover shards and temporary files", async () => {
  await withTempDir(async (dir) => {
    await simulateDataset({ ...base, dir: `${dir}/ds` });
    const x = await Deno.readFile(`${dir}/ds/x.npy`);
    // As a kill right after the manifest turned complete leaves them.
    await Deno.mkdir(`${dir}/ds/shards`);
    await Deno.writeFile(`${dir}/ds/shards/x-00000.npy`, x.subarray(0, 1000));
    await Deno.writeFile(`${dir}/ds/.x.npy.0123abcd.tmp`, x.subarray(0, 1000));
    await Deno.writeFile(`${dir}/ds/.theta.npy.tmp`, x.subarray(0, 1000));
    await simulateDataset({ ...base, dir: `${dir}/ds` });
    assert.deepEqual(names(`${dir}/ds`), ["manifest.json", "theta.npy", "x.npy"]);
    assert.deepEqual(await Deno.readFile(`${dir}/ds/x.npy`), x);

    // As a kill between writing the final arrays and marking the manifest complete leaves them.
    await beginDataset(await planDataset({ ...base, dir: `${dir}/cut` }));
    await simulateShards({ model: rcModel, runtime, dir: `${dir}/cut` });
    await Deno.copyFile(`${dir}/ds/theta.npy`, `${dir}/cut/theta.npy`);
    await Deno.writeFile(`${dir}/cut/.x.npy.89abcdef.tmp`, x.subarray(0, 1000));
    assert.equal((await simulateDataset({ ...base, dir: `${dir}/cut` })).manifest.status, "complete");
    assert.deepEqual(names(`${dir}/cut`), ["manifest.json", "theta.npy", "x.npy"]);
    assert.deepEqual(await Deno.readFile(`${dir}/cut/x.npy`), x);
  });
});

Deno.test("dataset: shards simulated as separate ranges, in any order, finalise to the uninterrupted dataset", async () => {
  await withTempDir(async (dir) => {
    const { manifest: whole } = await simulateDataset({ ...base, dir: `${dir}/whole` });
    await beginDataset(await planDataset({ ...base, dir: `${dir}/split` }));
    await simulateShards({ model: rcModel, runtime, dir: `${dir}/split`, first: 2, end: 3 });
    await assert.rejects(
      simulateShards({ model: rcModel, runtime, dir: `${dir}/split`, first: 3, end: 4 }),
      /shards \[3, 4\) are not a range of the dataset's 3 shards/,
    );
    await simulateShards({ model: rcModel, runtime, dir: `${dir}/split`, first: 0, end: 1 });
    await assert.rejects(finaliseDataset(`${dir}/split`), /shard 2 of 3 is not simulated yet/);
    assert.deepEqual(names(`${dir}/split`), ["manifest.json", "shards"], "nothing final written");
    await simulateShards({ model: rcModel, runtime, dir: `${dir}/split`, first: 1, end: 2 });
    const split = await finaliseDataset(`${dir}/split`);
    assert.equal(split.status, "complete");
    assert.equal(split.nonfinite_rows, whole.nonfinite_rows);
    assert.deepEqual(names(`${dir}/split`), ["manifest.json", "theta.npy", "x.npy"]);
    for (const file of ["theta.npy", "x.npy"]) {
      assert.deepEqual(await Deno.readFile(`${dir}/split/${file}`), await Deno.readFile(`${dir}/whole/${file}`));
    }
    await assert.rejects(simulateShards({ model: rcModel, runtime, dir: `${dir}/none` }), /no manifest.json/);
  });
});

Deno.test("simulations JSON: written chunk by chunk, the same text as the whole x stringified at once", async () => {
  const theta = new Float32Array(rcModel.prior.sample(10, seededUniform(3)));
  const batches: number[] = [];
  const counting: Simulator = {
    ...rcModel,
    simulate: (r, th, options) => (batches.push(th.length / 3), rcModel.simulate(r, th, options)),
  };
  await withTempDir(async (dir) => {
    await writeSimulationsJson(`${dir}/o.json`, counting, runtime, theta, { chunkRows: 4 });
    assert.deepEqual(batches, [4, 4, 2], "never more than a chunk of rows at once");
    const x = await rcModel.simulate(runtime, theta);
    const rows = Array.from({ length: 10 }, (_, i) => Array.from(x.subarray(i * 701, (i + 1) * 701)));
    const expected = JSON.stringify({ times_ms: Array.from(rcModel.timesMs), x: rows }) + "\n";
    assert.equal(await Deno.readTextFile(`${dir}/o.json`), expected);
    const failing: Simulator = { ...rcModel, simulate: () => Promise.reject(new Error("device lost")) };
    await assert.rejects(writeSimulationsJson(`${dir}/p.json`, failing, runtime, theta), /device lost/);
    assert.deepEqual(names(dir), ["o.json"], "a failure leaves neither the file nor a temporary one");
  });
});

Deno.test("dataset: a new dataset is handed back in memory bit for bit as loadDataset reads it, within the budget", async () => {
  // Noisy x with a NaN of its own bit pattern in row 7: the rows held must be the files' bytes, not merely equal values.
  const noisy = withObservationNoise(rcModel, 0.25);
  const marked: Simulator = {
    ...noisy,
    simulate: async (runtime, theta, options) => {
      const x = await noisy.simulate(runtime, theta, options);
      // Row seeds are seed × n + row: the shard's first row, then row 7's place in the shard.
      const i = 7 - ((options?.seeds?.[0] ?? 0) - 7 * 1200);
      if (i >= 0 && i < theta.length / 3) new Uint32Array(x.buffer, x.byteOffset)[i * 701 + 5] = 0x7fc01234;
      return x;
    },
  };
  const request = { ...base, model: marked, n: 1200, shardSize: 500 };
  const bytes = 1200 * (3 + 701) * 4;
  const raw = (m: { data: Float32Array }) => new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  await withTempDir(async (dir) => {
    const { manifest, dataset } = await simulateDataset({ ...request, dir: `${dir}/held`, holdBytes: bytes });
    assert.ok(dataset, "held at exactly the budget");
    const loaded = await loadDataset(`${dir}/held`);
    assert.deepEqual(dataset.manifest, loaded.manifest);
    assert.deepEqual(manifest, loaded.manifest);
    assert.equal(manifest.nonfinite_rows, 1);
    assert.deepEqual([dataset.theta.rows, dataset.theta.cols, dataset.x.rows, dataset.x.cols], [1200, 3, 1200, 701]);
    assert.deepEqual(raw(dataset.theta), raw(loaded.theta));
    assert.deepEqual(raw(dataset.x), raw(loaded.x));
    assert.equal(new Uint32Array(dataset.x.data.buffer)[7 * 701 + 5], 0x7fc01234, "the NaN's bits kept");

    // One byte over the budget, or no budget: the same files, nothing held.
    const over = await simulateDataset({ ...request, dir: `${dir}/over`, holdBytes: bytes - 1 });
    assert.equal(over.dataset, undefined);
    assert.deepEqual(await Deno.readFile(`${dir}/over/x.npy`), await Deno.readFile(`${dir}/held/x.npy`));
    assert.equal((await simulateDataset({ ...request, n: 10, dir: `${dir}/unasked` })).dataset, undefined);

    // A resumed dataset, or one found complete, is in its files: not held.
    await assert.rejects(
      simulateDataset({
        ...request,
        dir: `${dir}/cut`,
        onProgress: (done) => {
          if (done > 500) throw new Error("interrupted");
        },
      }),
      /interrupted/,
    );
    const resumed = await simulateDataset({ ...request, dir: `${dir}/cut`, holdBytes: bytes });
    assert.equal(resumed.manifest.status, "complete");
    assert.equal(resumed.dataset, undefined);
    assert.equal((await simulateDataset({ ...request, dir: `${dir}/held`, holdBytes: bytes })).dataset, undefined);
  });
});
