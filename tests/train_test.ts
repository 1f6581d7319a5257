import assert from "node:assert/strict";
import { join } from "node:path";
import { flowConfig } from "../lib/flows/flow.ts";
import { Posterior } from "../lib/posterior/posterior.ts";
import { gaussianLinear, gaussianLinearPosterior } from "../lib/sbibm/gaussian_linear.ts";
import { simulateTask } from "../lib/sbibm/simulate.ts";
import { useBackend } from "../lib/tf/backend.ts";
import { encodeTensorFile } from "../lib/train/tensor_file.ts";
import { DEFAULT_TRAINING, trainNpe } from "../lib/train/trainer.ts";

await useBackend("wasm");
const dir = await Deno.makeTempDir({ prefix: "neurosbi-train-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

Deno.test("train: MAF on gaussian_linear recovers the closed-form posterior N(x/2, 0.05·I)", async () => {
  const pairs = simulateTask(gaussianLinear, 3000, 7);
  const result = await trainNpe(pairs, flowConfig("maf", 10, 10, { seed: 7 }), {
    ...DEFAULT_TRAINING,
    seed: 7,
    maxEpochs: 150,
  });
  const x = Array.from({ length: 10 }, (_, i) => (i - 4.5) / 10);
  const exact = gaussianLinearPosterior(x);
  const n = 10_000;
  const { samples, acceptanceRate } = await new Posterior(result.flow, gaussianLinear.prior).sample(n, x, { seed: 1 });
  assert.equal(acceptanceRate, 1, "a normal prior has unbounded support");
  const mean = Array(10).fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < 10; j++) mean[j] += samples[r * 10 + j] / n;
  const cov = Array.from({ length: 10 }, () => Array(10).fill(0));
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 10; j++) {
        cov[i][j] += (samples[r * 10 + i] - mean[i]) * (samples[r * 10 + j] - mean[j]) / (n - 1);
      }
    }
  }
  const sd = Math.sqrt(exact.variance); // 0.224
  for (let i = 0; i < 10; i++) {
    // Tolerances: means within 0.3 posterior sd, variances within ±35%, correlations below 0.2 (3000 simulations).
    assert.ok(Math.abs(mean[i] - exact.mean[i]) < 0.3 * sd, `mean ${i}: ${mean[i]} vs ${exact.mean[i]}`);
    assert.ok(Math.abs(cov[i][i] / exact.variance - 1) < 0.35, `variance ${i}: ${cov[i][i]} vs ${exact.variance}`);
    for (let j = 0; j < i; j++) {
      const corr = cov[i][j] / Math.sqrt(cov[i][i] * cov[j][j]);
      assert.ok(Math.abs(corr) < 0.2, `correlation ${i},${j}: ${corr}`);
    }
  }
  result.flow.dispose();
});

Deno.test("train: an interrupted run resumes from its checkpoint and ends exactly where an uninterrupted one does", async () => {
  const pairs = simulateTask(gaussianLinear, 400, 3);
  const config = flowConfig("nsf", 10, 10, { seed: 3, hiddenFeatures: 8, numTransforms: 2 });
  // 15 Adam steps per epoch: few enough steps can hide a bias correction rebuilt differently on resume.
  const options = { ...DEFAULT_TRAINING, seed: 3, maxEpochs: 4, batchSize: 24 };
  const whole = await trainNpe(pairs, config, options);
  const checkpointPath = join(dir, "checkpoint.bin");
  const interrupt = new Error("interrupted");
  await assert.rejects(
    trainNpe(pairs, config, options, {
      checkpointPath,
      onEpoch: (e) => {
        if (e.epoch === 2) throw interrupt;
      },
    }),
    (error) => error === interrupt,
  );
  const resumed = await trainNpe(pairs, config, options, { checkpointPath });
  assert.equal(resumed.resumedAtEpoch, 2);
  assert.equal(resumed.epochs, 4);
  assert.deepEqual(resumed.history.map((h) => h.validationLoss), whole.history.map((h) => h.validationLoss));
  const [a, b] = [await whole.flow.parameters.read(), await resumed.flow.parameters.read()];
  a.forEach((p, i) => assert.equal(b[i].data.filter((v, j) => v !== p.data[j]).length, 0, `${p.name} differs`));

  // Other options: the checkpoint is refused rather than mixed in.
  await assert.rejects(trainNpe(pairs, config, { ...options, batchSize: 50 }, { checkpointPath }), /another run/);
  // A checkpoint of the former layout (tfjs's Adam weights, no format) is refused, not misread.
  await Deno.writeFile(checkpointPath, encodeTensorFile({ fingerprint: "", state: {} }, { optimizer: [] }));
  await assert.rejects(trainNpe(pairs, config, options, { checkpointPath }), /another version of neurosbi/);
  whole.flow.dispose();
  resumed.flow.dispose();
});

Deno.test("train: NaN/Inf pairs are dropped and counted; an empty or all-NaN dataset is a clear error", async () => {
  const pairs = simulateTask(gaussianLinear, 60, 1);
  pairs.x[3] = NaN;
  pairs.theta[25] = Infinity;
  const logged: string[] = [];
  const options = { ...DEFAULT_TRAINING, maxEpochs: 1 };
  const config = flowConfig("maf", 10, 10, { hiddenFeatures: 4, numTransforms: 1 });
  const result = await trainNpe(pairs, config, options, { log: (m) => logged.push(m) });
  assert.equal(result.droppedRows, 2);
  assert.match(logged.join("\n"), /dropped 2 of 60 pairs/);
  result.flow.dispose();
  await assert.rejects(
    trainNpe({ ...pairs, rows: 0, theta: new Float32Array(), x: new Float32Array() }, config, options),
    /empty/,
  );
  await assert.rejects(trainNpe({ ...pairs, x: pairs.x.map(() => NaN) }, config, options), /all 60 pairs hold NaN/);
});
