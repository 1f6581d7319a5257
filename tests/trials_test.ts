/**
 * x as the mean of trials (lib/models/trials.ts, hnn-core's n_trials): the wrapped simulator against the model's own
 * single trials averaged here, and `fit --trials` carried through fit-export and `simulate --theta-file --trials`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { getModel } from "../lib/experiments/models.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { createApp } from "../lib/server/app.tsx";
import { meanOverTrials, rowTrialSeed, trialMeanSimulator, trialsOf } from "../lib/models/trials.ts";
import { assertRefused, cli } from "./reference/cli.ts";

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await Deno.readTextFile(path));
const MODEL = "erp-meg-prestim";

Deno.test("trials: x is the float64 mean of the model's own trials s·K … s·K + K − 1 (float32 rounding, 1e-6 of the range)", async () => {
  const model = getModel(MODEL);
  const averaged = trialMeanSimulator(model, 3);
  assert.equal(trialMeanSimulator(model, 1), model);
  assert.equal(trialsOf(averaged.settings), 3);
  assert.equal(trialsOf(model.settings), 1);
  assert.deepEqual(averaged.settings, { ...model.settings, trials: 3 });
  assert.throws(() => trialMeanSimulator(model, 0), /--trials must be a whole number ≥ 1, got 0/);
  assert.throws(() => trialMeanSimulator(model, 2.5), /--trials must be a whole number ≥ 1, got 2.5/);
  const d = model.prior.dim, t = model.timesMs.length;
  // Two rows of θ: the observation hnn-default, and the same with the onset drive strong.
  const row = Float32Array.from(model.prior.fromUnit(new Float64Array(d).fill(0.5)));
  const theta = new Float32Array(2 * d);
  theta.set(row, 0);
  theta.set(row.map((v, j) => (j >= 2 && j <= 4 ? 10 : v)), d);
  const rowSeeds = [0, 5];
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  try {
    const x = await averaged.simulate(runtime, theta, { seeds: rowSeeds });
    assert.equal(x.length, 2 * t);
    for (let i = 0; i < 2; i++) {
      const seeds = [0, 1, 2].map((r) => rowTrialSeed(rowSeeds[i], 3, r));
      assert.deepEqual(seeds, i === 0 ? [0, 1, 2] : [15, 16, 17]);
      const rows = new Float32Array(3 * d);
      for (let r = 0; r < 3; r++) rows.set(theta.subarray(i * d, (i + 1) * d), r * d);
      const single = await model.simulate(runtime, rows, { seeds });
      // The trials differ (the drives' events move), so a mean of one trial three times would fail below.
      const spread = Math.max(...Array.from({ length: t }, (_, k) => Math.abs(single[k] - single[t + k])));
      assert.ok(spread > 1, `row ${i}: trials 0 and 1 differ by only ${spread} nAm`);
      const mean = Array.from({ length: t }, (_, k) => (single[k] + single[t + k] + single[2 * t + k]) / 3);
      const range = Math.max(...mean.map(Math.abs));
      mean.forEach((m, k) => {
        assert.ok(Math.abs(x[i * t + k] - m) <= 1e-6 * range, `row ${i} at ${model.timesMs[k]} ms: ${x[i * t + k]}`);
      });
    }
  } finally {
    runtime.destroy();
  }
});

Deno.test("trials: rows past the first call's 16,384 simulations keep their own θ, and progress counts rows", async () => {
  // The RC circuit has no trials (every trial is the same): 8,192 trials leave two rows per call, so row 3 is the
  // second call's first, and its mean must be its own simulation.
  const model = getModel("rc"), t = model.timesMs.length;
  const theta = Float32Array.from([0.2, 0.5, 0.8].flatMap((u) => Array.from(model.prior.fromUnit([u, u, u]))));
  const runtime = await GpuRuntime.acquire();
  try {
    const progress: number[] = [];
    const mean = await meanOverTrials(model, runtime, theta, 8192, (_, r) => r, {
      onProgress: (n) => progress.push(n),
    });
    const single = await model.simulate(runtime, theta);
    const range = Math.max(...single.map(Math.abs));
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < t; k++) {
        assert.ok(Math.abs(mean[i * t + k] - single[i * t + k]) <= 1e-6 * range, `row ${i} at ${model.timesMs[k]} ms`);
      }
    }
    assert.equal(progress.at(-1), 3);
    progress.slice(1).forEach((n, i) => assert.ok(n >= progress[i], `progress ${progress}`));
  } finally {
    runtime.destroy();
  }
});

Deno.test("trials: fit --trials K records K, and fit-export's predictive.csv is simulate --theta-file --trials K", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-trials-" });
  try {
    const fit = join(dir, "fit"), out = join(dir, "export");
    // One round of 32 networks (pca30 needs 30 rows), each the mean of 2 trials, near the committed search's θ.
    const fitted = await cli(
      ...["fit", "--model", MODEL, "--waveform", "data/meg/no_trial_S1_ERP_all_avg.txt", "--trials", "2"],
      ...["--around", "docs/results/tune-no/best.csv", "--around-width", "0.05"],
      ...["--rounds", "1", "--sims-per-round", "32", "--predictive-sims", "2", "--max-epochs", "20", "--samples", "10"],
      ...["--batch-size", "16", "--backend", "wasm", "--out", fit],
    );
    assert.equal(fitted.code, 0, fitted.stderr);
    const record = await readJson<{ settings: { target: unknown }; label: string }>(join(fit, "fit.json"));
    assert.deepEqual(record.settings.target, { model: MODEL, trials: 2 });
    assert.match(record.label, /mean of 2 trials/);
    const page = await (await (await createApp(dir)).request("/fits/fit")).text();
    assert.match(page, /x is the mean of 2 trials of its θ \(<code>fit --trials<\/code>/);
    // An HNN model's x is smoothed: its misfit table gives the 30 ms window's gain at the fit's 0.5 ms step, 1 at 0 Hz
    // and 0.29 at 40 Hz (a Hamming window's transfer function, checked against smoothing in tests/bands_test.ts).
    assert.match(page, /30 ms Hamming smoothing of x at the band/);
    assert.match(page, /<td>0–10 Hz<\/td><td>[\d.]+<\/td><td>[\d.]+<\/td><td>1.00<\/td>/);
    assert.match(page, /<td>40–50 Hz<\/td><td>[\d.]+<\/td><td>[\d.]+<\/td><td>0.29<\/td>/);

    const exported = await cli(
      ...["fit-export", "--fit", fit, "--out", out, "--samples", "4", "--predictive", "2", "--backend", "wasm"],
    );
    assert.equal(exported.code, 0, exported.stderr);
    const summary = await readJson<{ trials: number; model: string }>(join(out, "fit.json"));
    assert.equal(summary.trials, 2);
    const predictive = (await Deno.readTextFile(join(out, "predictive.csv"))).trim().split("\n").slice(1)
      .map((line) => line.split(",").map(Number));
    const samples = (await Deno.readTextFile(join(out, "samples.csv"))).trim().split("\n");
    const thetaFile = join(dir, "theta.csv");
    await Deno.writeTextFile(thetaFile, samples.slice(0, 3).join("\n") + "\n");
    const simulateWith = async (trials: string) => {
      const file = join(dir, `x-${trials}.json`);
      const sim = await cli(
        "simulate",
        "--model",
        summary.model,
        "--theta-file",
        thetaFile,
        "--trials",
        trials,
        "--out",
        file,
      );
      assert.equal(sim.code, 0, sim.stderr);
      return (await readJson<{ x: number[][] }>(file)).x;
    };
    const [two, one] = [await simulateWith("2"), await simulateWith("1")];
    const range = Math.max(...two.flat().map(Math.abs));
    for (let k = 0; k < 2; k++) {
      // The same float32 means of the same θ: equal to float32 rounding; a single trial is not.
      predictive.forEach((row, i) => assert.ok(Math.abs(row[k + 1] - two[k][i]) <= 1e-6 * range, `draw ${k + 1}`));
      const apart = Math.max(...predictive.map((row, i) => Math.abs(row[k + 1] - one[k][i])));
      assert.ok(apart > 0.1, `draw ${k + 1}: trial 0 alone lies only ${apart} nAm from the mean of two`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trials: --trials where there are no trials to average is one line, and nothing is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-trials-bad-" });
  try {
    const theta = join(dir, "theta.csv");
    await Deno.writeTextFile(theta, `${getModel("rc").prior.names.join(",")}\n0.0003,0.0003,10\n`);
    // A dataset of single trials cannot be round 1 of a fit of 2-trial means, nor a dataset of means a fit's of
    // single trials; the dataset's manifest says which it holds.
    const dataset = join(dir, "dataset"), means = join(dir, "means");
    for (const [out, trials] of [[dataset, "1"], [means, "2"]]) {
      const simulated = await cli("simulate", "--model", MODEL, "--sims", "2", "--trials", trials, "--out", out);
      assert.equal(simulated.code, 0, simulated.stderr);
    }
    const manifest = await readJson<{ model_settings: Record<string, unknown> }>(join(means, "manifest.json"));
    assert.equal(manifest.model_settings.trials, 2);
    const task = ["--task", "gaussian_linear", "--observation", "1", "--rounds", "1", "--sims-per-round", "10"];
    const model = ["--model", MODEL, "--waveform", "data/meg/no_trial_S1_ERP_all_avg.txt", "--rounds", "1"];
    const cases: [string[], RegExp][] = [
      [["fit", ...task, "--trials", "2"], /--trials averages a model's trials; an sbibm task has none/],
      [
        ["fit", ...model, "--sims-per-round", "10", "--initial-dataset", dataset, "--trials", "2"],
        /holds single trials, not means of 2 trials as --trials asks/,
      ],
      [
        ["fit", ...model, "--sims-per-round", "10", "--initial-dataset", means],
        /holds means of 2 trials, not single trials/,
      ],
      [["simulate", "--spec", "experiments/erp-meg-prestim.json", "--trials", "2"], /give it with --sims/],
      [["simulate", "--model", "rc", "--theta-file", theta, "--trial", "1"], /--trial .* go with --spec/],
    ];
    await assertRefused(cases, join(dir, "out"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
