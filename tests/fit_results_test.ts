/**
 * The committed fits of the MEG recordings (docs/results/fit-*): each export is what fit.json says it is. Its samples
 * lie in the model's prior (and in the box of a fit around a tuned θ), its predictive median lies the recorded RMSE
 * from the recording, split over frequency bands as fit.json says, and its first column is the model's simulation of
 * the first row of samples.csv. Likewise each committed search (docs/results/tune-*): its best θ simulated on the
 * search's final trials is its stored waveform.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseThetaCsv } from "../lib/data/theta_csv.ts";
import { parseWaveform } from "../lib/data/waveform.ts";
import { getModel, isExperimentFile } from "../lib/experiments/models.ts";
import { prepareRecording } from "../lib/experiments/recordings.ts";
import { fitExperiment } from "../lib/fit/experiment_copy.ts";
import { type FitExportSummary, residualByBand } from "../lib/fit/export.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { trialMeanSimulator } from "../lib/models/trials.ts";
import { trialSeed, TUNE_FILES } from "../lib/cli/tune.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const RESULTS = join(ROOT, "docs/results");
const FITS = ["fit-yes", "fit-no", "fit-supra"];

async function readExport(name: string) {
  const dir = join(RESULTS, name);
  const summary: FitExportSummary = JSON.parse(await Deno.readTextFile(join(dir, "fit.json")));
  // A shipped model by name, or the copy of an experiment file the export keeps (model.json).
  const config = fitExperiment(dir, summary.model);
  const model = trialMeanSimulator(config.simulator(summary.dt_ms), summary.trials ?? 1);
  const samplesText = await Deno.readTextFile(join(dir, "samples.csv"));
  const predictiveLines = (await Deno.readTextFile(join(dir, "predictive.csv"))).trim().split("\n");
  // float64, as printed (parseNumericCsv gives float32).
  const rows = predictiveLines.slice(1).map((line) => line.split(",").map(Number));
  const predictive = { rows: rows.length, data: rows.flat() };
  return {
    summary,
    model,
    units: config.recordingUnits,
    samplesText,
    header: predictiveLines[0].split(","),
    predictive,
  };
}

for (const name of FITS) {
  Deno.test(`committed ${name}: samples in the prior, predictive.csv's median at fit.json's RMSE (1e-6)`, async () => {
    const { summary, model, units, samplesText, header, predictive } = await readExport(name);
    const theta = parseThetaCsv(samplesText, model.prior, `${name}/samples.csv`);
    const d = model.prior.dim;
    assert.equal(theta.length / d, summary.samples);
    if (summary.around) {
      const centre = model.prior.names.map((n) => summary.around!.theta[n]);
      model.prior.around(centre, summary.around.half_width).assertInSupport(theta);
    }
    assert.deepEqual(header, [
      "time_ms",
      ...Array.from({ length: summary.predictive_sims }, (_, k) => `draw_${k + 1}`),
    ]);
    const t = model.timesMs.length, k = summary.predictive_sims;
    assert.equal(predictive.rows, t);
    predictive.data.filter((_, i) => i % (k + 1) === 0).forEach((time, i) => {
      assert.ok(Math.abs(time - model.timesMs[i]) < 1e-9, `time ${i}: ${time}`);
    });
    // The recording as fit prepared it (the experiment's recording smoothing, the fit's scale), on the model's times.
    const path = new URL(`../${summary.recording}`, import.meta.url).pathname;
    const waveform = parseWaveform(await Deno.readTextFile(path), path);
    const { x } = prepareRecording(waveform, model, { scale: summary.recording_scale, smoothMs: units.smoothMs });
    const recording = Float64Array.from(x, (v) => v * summary.recording_scale);
    const median = Float64Array.from({ length: t }, (_, i) => {
      const row = Array.from({ length: k }, (_, j) => predictive.data[i * (k + 1) + j + 1]).sort((a, b) => a - b);
      return k % 2 ? row[(k - 1) / 2] : (row[k / 2 - 1] + row[k / 2]) / 2;
    });
    const rmse = Math.sqrt(median.reduce((sum, m, i) => sum + (m - recording[i]) ** 2, 0) / t);
    assert.ok(
      Math.abs(rmse - summary.predictive_median_rmse) <= 1e-6 * rmse,
      `${rmse} vs ${summary.predictive_median_rmse}`,
    );
    // Where the misfit lies: the bands of this median's residual, which together make up the RMSE.
    assert.equal(summary.smoothing_ms, model.smoothMs);
    const bands = residualByBand(median, recording, model.timesMs[1] - model.timesMs[0], model.smoothMs);
    assert.equal(summary.residual_by_band?.length, bands.length);
    summary.residual_by_band!.forEach((stored, b) => {
      for (const field of ["residual_rms", "recording_rms", "smoothing_gain"] as const) {
        assert.ok(Math.abs(stored[field]! - bands[b][field]!) <= 1e-6 * bands[b][field]!, `${b} ${field}`);
      }
    });
    const squares = summary.residual_by_band!.reduce((sum, band) => sum + band.residual_rms ** 2, 0);
    assert.ok(Math.abs(Math.sqrt(squares) - rmse) <= 1e-6 * rmse, `bands make ${Math.sqrt(squares)}, not ${rmse}`);
  });
}

Deno.test("committed fits: predictive.csv's first column is the model's simulation of samples.csv's first row", async () => {
  const runtime = await GpuRuntime.acquire({ requiredLimits: getModel("erp-meg-cells").requiredLimits });
  try {
    for (const name of FITS) {
      const { summary, model, samplesText, predictive } = await readExport(name);
      const theta = parseThetaCsv(samplesText, model.prior, `${name}/samples.csv`);
      // Every draw at seed 0: a fit of K-trial means averages trials 0 … K − 1 (lib/models/trials.ts).
      const x = await model.simulate(runtime, theta.subarray(0, model.prior.dim));
      const k = summary.predictive_sims, column = Array.from(x, (_, i) => predictive.data[i * (k + 1) + 1]);
      const range = Math.max(...column.map(Math.abs));
      // The same float32 simulation of the same θ, × the recording scale: equal to float32 rounding of the range.
      x.forEach((v, i) => {
        const want = v * summary.recording_scale;
        assert.ok(
          Math.abs(column[i] - want) <= 1e-5 * range,
          `${name} at ${model.timesMs[i]} ms: ${column[i]} vs ${want}`,
        );
      });
    }
  } finally {
    runtime.destroy();
  }
});

Deno.test("committed searches: the best θ on the search's final trials is search.json's waveform and RMSE", async () => {
  const searches = [...Deno.readDirSync(RESULTS)].filter((e) => e.isDirectory && e.name.startsWith("tune-"))
    .map((e) => e.name).sort();
  assert.deepEqual(searches, ["tune-no", "tune-supra", "tune-supra-probe", "tune-supra-trials", "tune-yes"]);
  const runtime = await GpuRuntime.acquire({ requiredLimits: getModel("erp-meg-cells").requiredLimits });
  try {
    for (const name of searches) {
      const dir = join(RESULTS, name);
      const search = JSON.parse(await Deno.readTextFile(join(dir, TUNE_FILES.search)));
      const { model: modelName, dt_ms, trials, seed, generations } = search.settings;
      // A shipped model by name, or an experiment file by its path from the repository's root, as tune was given it.
      const model = getModel(isExperimentFile(modelName) ? join(ROOT, modelName) : modelName, dt_ms);
      // The search simulated θ in float32; best.csv prints it to 8 digits (1e-7 relative).
      const theta = Float32Array.from(model.prior.names, (n) => search.best.theta[n]);
      const printed = parseThetaCsv(await Deno.readTextFile(join(dir, TUNE_FILES.best)), model.prior, name);
      printed.forEach((v, j) => assert.ok(Math.abs(v - theta[j]) <= 1e-7 * Math.abs(theta[j]), `${name}: ${v}`));
      const rows = new Float32Array(trials * theta.length);
      for (let r = 0; r < trials; r++) rows.set(theta, r * theta.length);
      // The final re-scoring's trials: trial set generations + 1 (after every generation's own).
      const seeds = Float64Array.from({ length: trials }, (_, r) => trialSeed(seed, trials, generations + 1, r));
      const x = await model.simulate(runtime, rows, { seeds });
      const t = model.timesMs.length, scale = search.settings.observation.scale;
      const { mean, recording } = search.waveform as { mean: number[]; recording: number[] };
      const range = Math.max(...mean.map(Math.abs));
      let sum = 0;
      for (let k = 0; k < t; k++) {
        let m = 0;
        for (let r = 0; r < trials; r++) m += x[r * t + k] * scale / trials;
        // float32 simulation, summed in float64 as tune does: equal to float32 rounding of the range.
        assert.ok(Math.abs(m - mean[k]) <= 1e-5 * range, `${name} at ${model.timesMs[k]} ms: ${m} vs ${mean[k]}`);
        sum += (mean[k] - recording[k]) ** 2;
      }
      const rmse = Math.sqrt(sum / t);
      assert.ok(Math.abs(rmse - search.best.rmse_fresh_trials) <= 1e-9 * rmse, `${name}: ${rmse}`);
    }
  } finally {
    runtime.destroy();
  }
});
