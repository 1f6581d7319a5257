/**
 * Conditioning a finished run (docs/runs.md) on a new waveform: the waveform, on the model's time base, goes
 * through the run's fitted summary statistic into its trained posterior, and a few simulations from the samples
 * give the posterior-predictive bands. The report's condition API and the `condition` command both use it; the
 * caller picks the tfjs backend and owns the GPU runtime.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import { type PredictiveBands, predictiveBands } from "../plots/posterior.ts";
import { loadFitPosterior } from "../fit/run_posterior.ts";
import { loadPosterior } from "../posterior/io.ts";
import { POSTERIOR_DIR, runPath } from "../runs/paths.ts";
import { readRecord, requireRecord } from "../runs/read.ts";
import { DATASET_MANIFEST, EXPERIMENT, RUN_CONFIG, SUMMARY } from "../runs/records.ts";
import { computeSummary } from "../stats/summary.ts";
import { CONDITION_DEFAULTS, type ConditionOptions } from "./condition_options.ts";
import { type ExperimentConfig, EXPERIMENTS } from "./configs.ts";
import { experimentFromJson } from "./experiment_file.ts";
import { type RecordingUnits, type WaveformAxis, waveformAxis } from "./recordings.ts";
import type { RunPosterior } from "./types.ts";

/** What conditioning needs of a run folder, loaded once and reused for every waveform. */

/** The same fields as a run's `observations/<id>.json`, so the report draws both alike. */
export interface ConditionedWaveform {
  label: string;
  times_ms: number[];
  x: number[];
  /** Rows of the prior's dimension, in the parameters' units. */
  samples: number[][];
  acceptance_rate: number;
  predictive: PredictiveBands;
  /** How the report draws x and the bands (nAm on HNN's scale for the HNN models). */
  waveform_axis: WaveformAxis;
}

/**
 * The run's trained posterior, fitted summary and simulator (or a model's fit folder's, lib/fit/run_posterior.ts); an
 * unfinished run is an error that says what is missing.
 */
export async function loadRunPosterior(dir: string): Promise<RunPosterior> {
  const fit = await loadFitPosterior(dir);
  if (fit) return fit;
  const experiment = await requireRecord(dir, EXPERIMENT, "experiment record");
  const config = await runExperimentConfig(dir) ?? (experiment.name && EXPERIMENTS[experiment.name]);
  if (!config) throw new Error(`${dir}: unknown experiment ${JSON.stringify(experiment.name)}`);
  const manifest = await requireRecord(dir, DATASET_MANIFEST, "dataset");
  const summary = await requireRecord(dir, SUMMARY, "fitted summary");
  const { posterior } = await loadPosterior(runPath(dir, POSTERIOR_DIR));
  return {
    posterior,
    summary,
    simulator: config.simulator(manifest.dt_ms),
    units: config.recordingUnits,
  };
}

/** The run's own copy of its experiment file (runs made before it was kept have none: their name says which). */
async function runExperimentConfig(dir: string): Promise<ExperimentConfig | undefined> {
  const document = await readRecord(dir, RUN_CONFIG);
  return document && experimentFromJson(document, runPath(dir, RUN_CONFIG.file));
}

/**
 * Posterior samples and predictive bands for `x`, one waveform on the run simulator's time base. Once `signal`
 * aborts (the report's client went away), the work stops at the next step or simulation chunk with its reason.
 * `units`: the recording's, when it was prepared with other than the run's.
 */
export async function conditionRun(
  runtime: GpuRuntime,
  run: RunPosterior,
  x: Float32Array,
  label: string,
  options: ConditionOptions = CONDITION_DEFAULTS,
  signal?: AbortSignal,
  units: RecordingUnits = run.units,
): Promise<ConditionedWaveform> {
  const times = Array.from(run.simulator.timesMs), d = run.posterior.prior.dim;
  if (x.length !== times.length) {
    throw new Error(`${label} has ${x.length} samples, the model's time base ${times.length}`);
  }
  signal?.throwIfAborted();
  const features = await computeSummary(runtime, run.summary, x);
  signal?.throwIfAborted();
  const { samples, acceptanceRate } = await run.posterior.sample(options.samples, features, { seed: options.seed });
  signal?.throwIfAborted();
  const sims = Math.min(options.predictiveSims, options.samples);
  const predictive = await run.simulator.simulate(runtime, samples.subarray(0, sims * d), {
    seeds: Float64Array.from({ length: sims }, (_, i) => options.seed * 1e6 + i),
    onProgress: () => signal?.throwIfAborted(),
  });
  signal?.throwIfAborted();
  return {
    label,
    times_ms: times,
    x: Array.from(x),
    samples: Array.from({ length: options.samples }, (_, i) => Array.from(samples.subarray(i * d, (i + 1) * d))),
    acceptance_rate: acceptanceRate,
    predictive: predictiveBands(predictive, times),
    waveform_axis: waveformAxis(run.simulator, units),
  };
}
