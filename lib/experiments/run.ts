/**
 * One experiment end to end, into one run folder (docs/runs.md): simulate the training set, fit the summary
 * statistic, train the posterior, then diagnose it — SBC and expected coverage on fresh prior draws, the paper's
 * grid of ground truths (parameter recovery and posterior predictive checks), and the paper's conditioning points
 * (posterior samples, correlations, predictive bands, overlap between the two), then the config's recorded data
 * likewise.
 */
import { isDeepStrictEqual } from "node:util";
import { assertWritableDir } from "../data/atomic.ts";
import { type Dataset, type DatasetRequest, loadDataset, planDataset, simulateDataset } from "../data/dataset.ts";
import { overlapCoefficient } from "../diagnostics/overlap.ts";
import { predictiveRmse, recoveryError } from "../diagnostics/recovery.ts";
import { flowConfig, type FlowKind } from "../flows/flow.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { predictiveBands } from "../plots/posterior.ts";
import { loadPosterior, savePosterior } from "../posterior/io.ts";
import { Posterior } from "../posterior/posterior.ts";
import { computeSummary, fitSummary, type FittedSummary } from "../stats/summary.ts";
import { flowPairs } from "../train/pairs.ts";
import { DEFAULT_TRAINING, trainNpe } from "../train/trainer.ts";
import { type Budget, type ExperimentConfig, type Size, SUMMARIES } from "./configs.ts";
import {
  calibrate,
  type CheckProgress,
  type Context,
  gridCheck,
  sampleAt,
  seedsFor,
  STREAM,
  withObservationNoise,
} from "./checks.ts";
import type { ExperimentStage } from "./types.ts";
import { type AnyRecording, loadRecording, recordingSource, type WaveformAxis, waveformAxis } from "./recordings.ts";
import { checkRunFolder, type ExperimentSettings } from "../runs/folder.ts";
import { RunLock } from "../runs/lock.ts";
import {
  CHECKPOINT_FILE,
  CONFIG_FILE,
  DATASET_DIR,
  POSTERIOR_DIR,
  RECOVERY_PROGRESS_FILE,
  runPath,
  SBC_PROGRESS_FILE,
} from "../runs/paths.ts";
import { ProgressLog } from "../runs/progress.ts";
import { readRecord } from "../runs/read.ts";
import {
  COVERAGE,
  EXPERIMENT,
  observationRecord,
  OVERLAP,
  RECOVERY,
  RECOVERY_PROGRESS,
  RUN_CONFIG,
  type RunRecord,
  SBC,
  SBC_PROGRESS,
  SUMMARY,
  TRAINING,
} from "../runs/records.ts";
import type { CheckSettings, ExperimentRecord } from "../runs/types.ts";
import { writeRecord } from "../runs/write.ts";

/**
 * The most bytes of θ and x a new training set is trained on straight from memory (1 GiB: the paper's 10⁵ HNN dipoles
 * take 0.14 GB); a larger one, or one resumed or found on disk, is read back from its files.
 */
export const TRAINING_SET_MEMORY_BYTES = 2 ** 30;

export interface ExperimentOptions {
  config: ExperimentConfig;
  size: Size;
  out: string;
  runtime: GpuRuntime;
  summary?: string;
  flow?: FlowKind;
  /** Add the config's uniform noise to x for training. */
  noise?: boolean;
  /** Gaussian jitter on the training θ, sd on the prior's unit scale (the paper: 0.01 for rc, hnn-rc and erp). */
  thetaJitter?: number;
  seed?: number;
  /** Cap on training epochs (tests and quick looks). */
  maxEpochs?: number;
  /** Changes to the size's budget (tests and quick looks). */
  budget?: Partial<Budget>;
  /** Integration step, ms (default: the paper's, in the config). */
  dtMs?: number;
  /** The command line that runs (and resumes) this experiment, recorded for the report. */
  command?: string;
  /** Called as the training set is simulated (after each batch) with networks done and in all. */
  onSimulate?: (done: number, total: number) => void;
  /** Stop, resumable, once this stage is done: the training set, or the trained posterior (two-machine runs). */
  until?: ExperimentStage;
  /** Rows per dataset shard, the unit of resuming a simulation (default: the dataset's own, else datasets.md's). */
  shardSize?: number;
}

/** The budget of `size`, which the experiment's file must give. */
export function sizeBudget(config: ExperimentConfig, size: Size): Budget {
  const budget = config.budgets[size];
  if (!budget) {
    throw new Error(`${config.source}: budgets.${size}: not given (sizes: ${Object.keys(config.budgets).join(", ")})`);
  }
  return budget;
}

/** The settings experiment.json records, which a resumed run must match (lib/runs/folder.ts IDENTITY_FIELDS). */
export function experimentSettings(
  options: Omit<ExperimentOptions, "runtime">,
  simulator: Simulator,
): ExperimentSettings {
  const { config, size } = options;
  const summary = options.summary ?? config.summary;
  if (!SUMMARIES[summary]) throw new Error(`unknown summary ${summary} (known: ${Object.keys(SUMMARIES).join(", ")})`);
  return {
    name: config.name,
    model: simulator.name,
    size,
    summary,
    flow: options.flow ?? "maf",
    noise: options.noise ? config.noise : 0,
    theta_jitter: options.thetaJitter ?? 0,
    seed: options.seed ?? 0,
    budget: { ...sizeBudget(config, size), ...options.budget },
    dt_ms: simulator.dtMs,
    max_epochs: options.maxEpochs ?? null,
  };
}

/**
 * Refuse, before any work and without writing, an --out this experiment may not write into: only a new or empty
 * folder or an unfinished run of the same settings (to resume) will do.
 */
export async function checkExperimentFolder(
  options: Omit<ExperimentOptions, "runtime">,
  simulator: Simulator,
): Promise<ExperimentRecord | undefined> {
  await assertWritableDir(options.out);
  const previous = await checkRunFolder(options.out, experimentSettings(options, simulator));
  if (previous) {
    const kept = await readRecord(options.out, RUN_CONFIG).catch(() => undefined);
    const wanted = JSON.parse(JSON.stringify(options.config.document));
    if (kept !== undefined && !isDeepStrictEqual(kept, wanted)) {
      throw new Error(
        `${options.out} is a run of another version of ${options.config.source} (its ${CONFIG_FILE} differs): ` +
          `give a new folder`,
      );
    }
  }
  return previous;
}

/**
 * Record an experiment whose training set was submitted to a cluster (docs/cluster.md): experiment.json with status
 * `submitted`, which the job after the dataset resumes like any unfinished run. The folder must have passed
 * checkExperimentFolder; a run recorded there before keeps its start.
 */
export async function recordSubmittedExperiment(
  options: Omit<ExperimentOptions, "runtime">,
  engine: string,
): Promise<void> {
  const previous = await readRecord(options.out, EXPERIMENT).catch(() => undefined);
  const now = new Date().toISOString();
  const record = {
    ...experimentSettings(options, experimentModel(options.config, options).simulator),
    ...(options.command ? { command: options.command } : {}),
    status: "submitted",
    cluster: engine,
    started: previous?.started ?? now,
    submitted: now,
  };
  await writeRecord(options.out, EXPERIMENT, record as unknown as ExperimentRecord);
}

/** An experiment's simulator at its integration step, and its generative model (plus noise with `noise`). */
export function experimentModel(
  config: ExperimentConfig,
  options: Pick<ExperimentOptions, "noise" | "dtMs">,
): { simulator: Simulator; model: Simulator } {
  const simulator = config.simulator(options.dtMs ?? config.dtMs);
  return { simulator, model: options.noise ? withObservationNoise(simulator, config.noise) : simulator };
}

/** The training set an experiment simulates first: its generative model, size, seed and folder. */
export function experimentDataset(
  options: Pick<ExperimentOptions, "config" | "size" | "out" | "noise" | "dtMs" | "seed" | "budget" | "shardSize">,
): DatasetRequest {
  const budget = { ...sizeBudget(options.config, options.size), ...options.budget };
  return {
    model: experimentModel(options.config, options).model,
    n: budget.sims,
    seed: (options.seed ?? 0) * 100 + STREAM.dataset,
    dir: runPath(options.out, DATASET_DIR),
    shardSize: options.shardSize,
  };
}

export async function runExperiment(options: ExperimentOptions): Promise<Record<string, unknown>> {
  const { config, out, runtime } = options;
  const { simulator, model } = experimentModel(config, options);
  const settings = experimentSettings(options, simulator);
  const budget = settings.budget as Budget;
  const seed = settings.seed as number;
  const summaryName = settings.summary as string;
  const flowKind = settings.flow as FlowKind;
  // Recorded data and the run folder first: a missing recording or a folder holding something else stops the run
  // before it writes or simulates anything.
  const recordings = await Promise.all(
    (config.recordings ?? []).map(async (r) => ({ ...r, x: await loadRecording(r, simulator) })),
  );
  const recordingPairs = config.recordingPairs ??
    (recordings.length === 2 ? [[recordings[0].id, recordings[1].id] as [string, string]] : []);
  const unknown = recordingPairs.flat().find((id) => !recordings.some((r) => r.id === id));
  if (unknown !== undefined) throw new Error(`recording pair names ${unknown}, which is not one of the recordings`);
  const previous = await checkExperimentFolder(options, simulator);
  const datasetRequest = experimentDataset(options);
  // A dataset of another identity in the folder (other noise, other n...) stops the run before it writes anything.
  await planDataset(datasetRequest);
  await Deno.mkdir(out, { recursive: true });
  const lock = await RunLock.acquire(out);
  const log = new ProgressLog(out);
  const now = new Date().toISOString();
  const experiment: Record<string, unknown> = {
    ...settings,
    ...(options.command ? { command: options.command } : {}),
    status: "running",
    started: previous?.started ?? now,
    ...(previous ? { resumed: now } : {}),
  };
  const writeExperiment = () => writeRecord(out, EXPERIMENT, experiment as unknown as ExperimentRecord);
  // Left as `running` without its lock, the run reads as interrupted and resumes with its command.
  const pause = async (stage: ExperimentStage) => {
    await log.write("pause", {
      message: `stopped after the ${stage} as asked; the command in experiment.json resumes the run`,
    });
    return experiment;
  };
  try {
    await writeExperiment();
    // The experiment file, self-contained: condition and diagnose rebuild this run's simulator from it.
    await writeRecord(out, RUN_CONFIG, config.document);
    if (previous) {
      await log.write("resume", { message: `resuming the ${previous.status} run started ${previous.started}` });
    }
    // 1. Training set; a new one is also held in memory for training, unless the run stops after it.
    let heldDataset = (await simulateDataset({
      ...datasetRequest,
      runtime,
      holdBytes: options.until === "dataset" ? 0 : TRAINING_SET_MEMORY_BYTES,
      onProgress: (done, total) => {
        options.onSimulate?.(done, total);
        if (done === total) log.write("simulate", { done, total });
      },
    })).dataset;
    if (options.until === "dataset") return await pause("dataset");

    // 2–3. Summary statistic and posterior; a resumed run whose training had finished keeps both.
    const trained = previous && await loadTrained(out);
    const { summary, posterior, epochs: trainingEpochs } = trained ?? await fitAndTrain({
      out,
      runtime,
      log,
      model,
      dataset: heldDataset,
      options,
      summaryName,
      flowKind,
      seed,
    });
    // The checks need no training set: let its memory go.
    heldDataset = undefined;
    if (options.until === "training") {
      posterior.dispose();
      return await pause("training");
    }

    const context: Context = { model, simulator, runtime, summary, posterior, log, seed };
    // A run resumed after its training had finished keeps the checks it wrote: the same posterior, budget and seeds
    // made them. Each is a step a long run can stop after.
    const readKept = async <T>(record: RunRecord<T>): Promise<T | undefined> =>
      trained ? await readRecord(out, record) : undefined;

    // A check's progress kept by a stopped run, if made with this run's settings for it; `save` keeps it with them.
    const progressIn = async <T, R extends { settings?: CheckSettings }>(
      record: RunRecord<R>,
      settings: CheckSettings,
      items: (kept: R) => T[],
      write: (done: T[]) => Omit<R, "settings">,
    ): Promise<CheckProgress<T>> => {
      const kept = await readKept(record);
      const reusable = kept && (kept.settings === undefined || isDeepStrictEqual(kept.settings, settings));
      return {
        done: reusable ? items(kept) : [],
        save: (done) => writeRecord(out, record, { ...write(done), settings } as R),
      };
    };

    // 4. SBC and expected coverage on fresh draws from the prior, their progress kept pair by pair.
    const keptSbc = await readKept(SBC);
    const keptCoverage = await readKept(COVERAGE);
    const sbcSettings = { seed, sbcPairs: budget.sbcPairs, sbcSamples: budget.sbcSamples };
    const calibration = keptSbc && keptCoverage ? { sbc: keptSbc, coverage: keptCoverage } : await calibrate(
      context,
      budget.sbcPairs,
      budget.sbcSamples,
      await progressIn(SBC_PROGRESS, sbcSettings, (kept) => kept.pairs, (pairs) => ({ pairs })),
    );
    if (!keptSbc || !keptCoverage) {
      await writeRecord(out, SBC, calibration.sbc);
      await writeRecord(out, COVERAGE, calibration.coverage);
    }
    await Deno.remove(runPath(out, SBC_PROGRESS_FILE)).catch(() => {});

    // 5. The paper's grid: recovery error and predictive RMSE at every ground truth, its progress kept as it goes.
    const keptGrid = await readKept(RECOVERY) as Awaited<ReturnType<typeof gridCheck>> | undefined;
    const gridSettings = {
      seed,
      gridPoints: budget.gridPoints,
      gridSamples: budget.gridSamples,
      predictiveSims: budget.predictiveSims,
    };
    const grid = keptGrid ?? await gridCheck(
      context,
      budget,
      await progressIn(RECOVERY_PROGRESS, gridSettings, (kept) => kept.points, (points) => ({ points })),
    );
    if (!keptGrid) await writeRecord(out, RECOVERY, grid);
    await Deno.remove(runPath(out, RECOVERY_PROGRESS_FILE)).catch(() => {});

    // 6. The paper's conditioning points, and the overlap of their posteriors.
    const conditioned: Awaited<ReturnType<typeof conditionOn>>[] = [];
    // Simulated points are drawn like the recordings: HNN's dipoles in nAm on its scale.
    const axis = waveformAxis(simulator, config.recordingUnits);
    for (const [index, obs] of config.observations.entries()) {
      const kept = await readKept(observationRecord(obs.id)) as Awaited<ReturnType<typeof conditionOn>> | undefined;
      const record = kept ?? await conditionOn(context, obs, index, budget, axis);
      if (!kept) await writeRecord(out, observationRecord(obs.id), record);
      conditioned.push(record);
    }
    const overlap = conditioned.length === 2 ? marginalOverlap(model, conditioned[0], conditioned[1]) : [];

    // 7. The recorded data, conditioned on like the paper's points, and the overlap of their posteriors.
    const recorded: Awaited<ReturnType<typeof conditionOnRecording>>[] = [];
    for (const [k, recording] of recordings.entries()) {
      const kept = await readKept(observationRecord(recording.id)) as
        | Awaited<ReturnType<typeof conditionOnRecording>>
        | undefined;
      const record = kept ?? await conditionOnRecording(context, recording, config.observations.length + k, budget);
      if (!kept) await writeRecord(out, observationRecord(recording.id), record);
      recorded.push(record);
    }
    const byId = (id: string) => recorded.find((r) => r.id === id)!;
    const recordedPairs = recordingPairs.map(([a, b]) => ({
      a,
      b,
      ovl: marginalOverlap(model, byId(a), byId(b)),
    }));
    const recordedOverlap = recordedPairs[0]?.ovl ?? [];
    await writeRecord(out, OVERLAP, { pairs: overlap, recordings: recordedOverlap, recording_pairs: recordedPairs });

    Object.assign(experiment, {
      status: "complete",
      finished: new Date().toISOString(),
      results: {
        training_epochs: trainingEpochs,
        sbc_rejected: calibration.sbc.ks.filter((k) => k.rejected).length,
        sbc_pvalues: calibration.sbc.ks.map((k) => k.pValue),
        coverage_max_deviation: calibration.coverage.maxDeviation,
        median_recovery_error: grid.median_error,
        median_predictive_rmse: grid.median_rmse,
        observations: conditioned.map((c) => ({ id: c.id, correlation: c.correlation, recovery: c.recovery_error })),
        overlap,
        recordings: recorded.map((r) => ({ id: r.id, correlation: r.correlation, predictive_rmse: r.predictive_rmse })),
        recordings_overlap: recordedOverlap,
        recording_pairs: recordedPairs,
      },
    });
    await writeExperiment();
    await log.write("done");
    posterior.dispose();
    return experiment;
  } catch (error) {
    Object.assign(experiment, { status: "failed", error: (error as Error).message });
    await writeExperiment();
    throw error;
  } finally {
    await lock.release();
  }
}

interface Trained {
  summary: FittedSummary;
  posterior: Posterior;
  epochs: number;
}

/** The summary and posterior of a run whose training finished (training.json is written last), else undefined. */
async function loadTrained(out: string): Promise<Trained | undefined> {
  const [training, summary] = await Promise.all([
    readRecord(out, TRAINING).catch(() => undefined),
    readRecord(out, SUMMARY).catch(() => undefined),
  ]);
  if (!training || !summary) return undefined;
  const { posterior } = await loadPosterior(runPath(out, POSTERIOR_DIR));
  return { summary, posterior, epochs: training.epochs.length };
}

/**
 * Fit the summary statistic on the training waveforms, then train the posterior on their features: the training set
 * as simulated in this process when it was held in memory, else as read from the run's dataset files.
 */
async function fitAndTrain(a: {
  out: string;
  runtime: GpuRuntime;
  log: ProgressLog;
  model: Simulator;
  dataset?: Dataset;
  options: ExperimentOptions;
  summaryName: string;
  flowKind: FlowKind;
  seed: number;
}): Promise<Trained> {
  const { out, runtime, log, model, options, flowKind, seed } = a;
  const dataset = a.dataset ?? await loadDataset(runPath(out, DATASET_DIR));
  const x = dataset.x.data;
  const summary = await fitSummary(runtime, SUMMARIES[a.summaryName], x, dataset.manifest.times_ms);
  await writeRecord(out, SUMMARY, summary);
  const features = await computeSummary(runtime, summary, x);
  await log.write("summary", { message: `${a.summaryName}: ${summary.names.length} features` });

  const f = summary.names.length, d = model.prior.dim;
  const jitter = { sd: options.thetaJitter ?? 0, seed: seed * 100 + STREAM.jitter };
  const training = await trainNpe(
    flowPairs(model.prior, dataset.theta.data, features, f, jitter),
    flowConfig(flowKind, d, f, { seed }),
    { ...DEFAULT_TRAINING, seed, maxEpochs: options.maxEpochs ?? DEFAULT_TRAINING.maxEpochs },
    {
      checkpointPath: runPath(out, CHECKPOINT_FILE),
      onEpoch: (e) =>
        log.write("train", {
          done: e.epoch,
          message: `train ${e.trainLoss.toFixed(4)} validation ${e.validationLoss.toFixed(4)}`,
        }),
    },
  );
  const posterior = new Posterior(training.flow, model.prior);
  await savePosterior(runPath(out, POSTERIOR_DIR), posterior, {
    epochs: training.epochs,
    best_epoch: training.bestEpoch,
    seconds: training.seconds,
  });
  // Written last: a resumed run that finds it keeps this summary and posterior.
  await writeRecord(out, TRAINING, {
    epochs: training.history.map((e) => ({
      epoch: e.epoch,
      train_loss: e.trainLoss,
      validation_loss: e.validationLoss,
    })),
    best_epoch: training.bestEpoch,
    seconds: training.seconds,
    dropped_nonfinite_rows: training.droppedRows,
  });
  await Deno.remove(runPath(out, CHECKPOINT_FILE)).catch(() => {});
  return { summary, posterior, epochs: training.epochs };
}

/** OVL of the two posteriors' marginals, per parameter, on the unit scale. */
function marginalOverlap(model: Simulator, a: { samples: number[][] }, b: { samples: number[][] }) {
  const column = (samples: number[][], j: number) => samples.map((row) => model.prior.toUnit(row)[j]);
  return model.prior.names.map((name, j) => ({
    parameter: name,
    ovl: overlapCoefficient(column(a.samples, j), column(b.samples, j)),
  }));
}

async function conditionOn(
  c: Context,
  obs: ExperimentConfig["observations"][number],
  index: number,
  budget: Budget,
  axis: WaveformAxis,
) {
  const truth = new Float32Array(c.model.prior.fromUnit(obs.unit));
  const x = await c.simulator.simulate(c.runtime, truth, { seeds: seedsFor(c, STREAM.observation, 1, index) });
  const record = await conditionOnWaveform(c, obs, x, index, budget, axis);
  const unitSamples = c.model.prior.toUnit(record.samples.flat());
  return { ...record, theta_true: Array.from(truth), recovery_error: recoveryError(unitSamples, obs.unit) };
}

async function conditionOnRecording(
  c: Context,
  recording: AnyRecording & { x: Float32Array },
  index: number,
  budget: Budget,
) {
  const axis = waveformAxis(c.simulator, recording);
  const record = await conditionOnWaveform(c, recording, recording.x, index, budget, axis);
  return { ...record, recording: await recordingSource(recording) };
}

/** Posterior samples, their correlations and a posterior predictive check for one observed waveform x. */
async function conditionOnWaveform(
  c: Context,
  obs: { id: string; label: string },
  x: Float32Array,
  index: number,
  budget: Budget,
  axis: WaveformAxis,
) {
  const prior = c.model.prior, d = prior.dim;
  const features = await computeSummary(c.runtime, c.summary, x);
  const { samples, acceptanceRate } = await sampleAt(c, features, budget.observationSamples, 7);
  const predictive = await c.simulator.simulate(c.runtime, samples.subarray(0, budget.predictiveSims * d), {
    seeds: seedsFor(c, STREAM.observation, budget.predictiveSims, 1e6 * (index + 1)),
  });
  const rows = Array.from(
    { length: budget.observationSamples },
    (_, i) => Array.from(samples.subarray(i * d, (i + 1) * d)),
  );
  const times = Array.from(c.model.timesMs);
  await c.log.write("observation", { message: obs.label });
  return {
    id: obs.id,
    label: obs.label,
    times_ms: times,
    x: Array.from(x),
    samples: rows,
    acceptance_rate: acceptanceRate,
    correlation: correlationMatrix(prior.toUnit(samples), d),
    predictive_rmse: predictiveRmse(predictive, x).mean,
    predictive: predictiveBands(predictive, times),
    waveform_axis: axis,
  };
}

/** Pearson correlations between the parameters' posterior samples (unit scale). */
function correlationMatrix(samples: ArrayLike<number>, d: number): number[][] {
  const n = samples.length / d;
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += samples[i * d + j];
    return s / n;
  });
  const cov = (a: number, b: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (samples[i * d + a] - mean[a]) * (samples[i * d + b] - mean[b]);
    return s / (n - 1);
  };
  return Array.from(
    { length: d },
    (_, a) => Array.from({ length: d }, (_, b) => cov(a, b) / Math.sqrt(cov(a, a) * cov(b, b))),
  );
}
