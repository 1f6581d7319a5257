/**
 * `fit`: truncated sequential NPE on one observation (lib/fit/tsnpe.ts) into a fit folder (docs/fit.md). Every
 * input is checked before anything is written; an unfinished fit of the same options resumes, a complete one is
 * refused.
 */
import { isDeepStrictEqual } from "node:util";
import { resolve } from "node:path";
import { assertWritableDir } from "../data/atomic.ts";
import { loadDataset, rowSeeds } from "../data/dataset.ts";
import { type DipoleColumn, parseWaveform } from "../data/waveform.ts";
import { addObservationNoise } from "../experiments/checks.ts";
import { prepareRecording, type RecordingProcessing } from "../experiments/recordings.ts";
import { assertExperimentUnchanged, keepExperimentCopy } from "../fit/experiment_copy.ts";
import { checkFitFolder, type FitObservationRecord, type FitSettings } from "../fit/records.ts";
import { type FitTarget, modelTarget, taskTarget } from "../fit/target.ts";
import { runFit } from "../fit/tsnpe.ts";
import { TRUNCATION_DEFAULTS } from "../fit/truncation.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { isExperimentFile, modelExperiment, modelKey } from "../experiments/models.ts";
import type { ExperimentConfig } from "../experiments/types.ts";
import type { Simulator } from "../models/model.ts";
import { trialMeanSimulator, trialsOf } from "../models/trials.ts";
import { parseNumericCsv } from "../posterior/csv.ts";
import type { Prior } from "../prior/prior.ts";
import { parseThetaCsv } from "../data/theta_csv.ts";
import { getTask } from "../sbibm/registry.ts";
import { loadObservation } from "../sbibm/reference.ts";
import { shellQuote } from "../shell.ts";
import { useBackend } from "../tf/backend.ts";
import { type NpeArgs, printEpoch, trainingOptions } from "./npe.ts";
import { readInputFile } from "./read_input.ts";

/** Where a fit's (or a search's) observation comes from: a recording, an sbibm observation or a plain x row. */
export interface ObservationArgs {
  model?: string;
  task?: string;
  waveform?: string;
  observation?: number;
  x?: string;
  column: DipoleColumn;
  scale?: number;
  smoothMs?: number;
  offsetMs?: number;
  baseline?: [number, number];
}

export interface FitArgs extends NpeArgs, ObservationArgs {
  rounds: number;
  simsPerRound: number;
  initialDataset?: string;
  out: string;
  noise: boolean;
  predictiveSims: number;
  samples: number;
  stopRatio: number;
  maxPriorDraws: number;
  quantile: number;
  dt?: number;
  /** A theta CSV whose first row the prior is cut down around (`tune`'s best.csv). */
  around?: string;
  aroundWidth: number;
  /** With --model: x the mean of this many trials (lib/models/trials.ts). */
  trials: number;
}

/** A --model's experiment (shipped or a researcher's file) and its simulator as fitted (--dt, --trials). */
export interface ModelUnderFit {
  config: ExperimentConfig;
  simulator: Simulator;
}

/** The observation a fit conditions on, from a recording, an sbibm observation or a plain x row. */
export async function readObservation(
  args: ObservationArgs,
  fitted: ModelUnderFit | undefined,
  xDim: number,
): Promise<FitObservationRecord> {
  const model = fitted?.simulator;
  const given = [args.waveform, args.observation, args.x].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new Error(`give one observation: ${model ? "--waveform FILE or --x CSV" : "--observation N or --x CSV"}`);
  }
  const timesMs = model ? Array.from(model.timesMs) : Array.from({ length: xDim }, (_, i) => i + 1);
  if (args.x !== undefined) {
    const table = parseNumericCsv(await readInputFile(args.x), args.x);
    if (table.rows !== 1) throw new Error(`${args.x} holds ${table.rows} rows; give exactly one observation`);
    if (table.cols !== xDim) throw new Error(`${args.x} has ${table.cols} values, the simulator's x has ${xDim}`);
    return { label: args.x, times_ms: timesMs, x: Array.from(table.data), x_unit: model?.xUnit, source: { x: args.x } };
  }
  if (args.observation !== undefined) {
    if (!args.task) throw new Error("--observation N is an sbibm task's observation: give --task, or --waveform");
    const x = await loadObservation(args.task, args.observation);
    return {
      label: `observation ${args.observation}`,
      times_ms: timesMs,
      x: Array.from(x),
      source: { task: args.task, observation: args.observation },
    };
  }
  if (!model) throw new Error("--waveform needs a --model (an sbibm task takes --observation N or --x CSV)");
  const path = args.waveform!;
  const waveform = parseWaveform(await readInputFile(path), path, args.column);
  const units = fitted!.config.recordingUnits;
  const processing: RecordingProcessing = {
    scale: args.scale ?? units.scale,
    smoothMs: args.smoothMs ?? units.smoothMs,
    offsetMs: args.offsetMs,
    baselineMs: args.baseline,
  };
  const prepared = prepareRecording(waveform, model, processing, path);
  if (prepared.cut) console.error(prepared.cut);
  return {
    label: path,
    times_ms: timesMs,
    x: Array.from(prepared.x),
    x_unit: model.xUnit,
    source: {
      path: resolve(path),
      column: args.column,
      scale: processing.scale,
      smoothing_ms: processing.smoothMs,
      offset_ms: processing.offsetMs ?? 0,
      baseline_ms: processing.baselineMs ?? null,
    },
  };
}

/** The model's prior, or with --around the box around the first row of that theta CSV. */
async function fitPrior(args: FitArgs, model: Simulator): Promise<{ prior: Prior; around?: FitSettings["around"] }> {
  if (args.around === undefined) return { prior: model.prior };
  const theta = parseThetaCsv(await readInputFile(args.around), model.prior, args.around);
  const center = theta.subarray(0, model.prior.dim);
  return {
    prior: model.prior.around(center, args.aroundWidth),
    around: { theta: Array.from(center), half_width: args.aroundWidth },
  };
}

const trialsText = (k: number) => k === 1 ? "single trials" : `means of ${k} trials`;

/**
 * A prior-simulated dataset of `model` as round 1: θ in the prior's units, x with uniform noise of `halfWidth` (the
 * model's observation noise, as train adds it).
 */
async function readInitialDataset(dir: string, model: Simulator, prior: Prior, halfWidth: number) {
  const { manifest, theta, x } = await loadDataset(dir);
  const held = trialsOf(manifest.model_settings), asked = trialsOf(model.settings);
  const mismatch = manifest.model !== model.name
    ? `model ${manifest.model}, not ${model.name}`
    : !isDeepStrictEqual(manifest.prior, prior.toJSON())
    ? `another prior than the fit's${prior === model.prior ? "" : " (--around cuts the model's down)"}`
    : !isDeepStrictEqual(manifest.times_ms, Array.from(model.timesMs))
    ? "another time base than the model's (another --dt?)"
    : held !== asked
    ? `${trialsText(held)}, not ${trialsText(asked)} as --trials asks (simulate --trials K makes datasets of means)`
    : undefined;
  if (mismatch) throw new Error(`--initial-dataset ${dir} holds ${mismatch}`);
  if (theta.rows < 2) throw new Error(`--initial-dataset ${dir} holds ${theta.rows} rows; at least 2 are needed`);
  if (halfWidth > 0) addObservationNoise(x.data, x.cols, halfWidth, rowSeeds(manifest.seed, manifest.n, 0, manifest.n));
  return { theta: Float32Array.from(theta.data), x: x.data };
}

export async function fitCommand(args: FitArgs): Promise<void> {
  if ((args.model === undefined) === (args.task === undefined)) throw new Error("give one of --model or --task");
  if (args.rounds < 1) throw new Error("--rounds must be at least 1");
  if (args.simsPerRound < 2) throw new Error("--sims-per-round must be at least 2");
  if (!(args.quantile > 0 && args.quantile < 1)) throw new Error("--quantile must lie between 0 and 1");
  if (args.predictiveSims < 1) throw new Error("--predictive-sims must be at least 1");
  if (args.task && args.initialDataset) throw new Error("--initial-dataset takes a model's dataset, not an sbibm task");
  if (args.task && args.around) throw new Error("--around cuts down a model's prior, not an sbibm task's");
  if (args.task && args.trials !== 1) throw new Error("--trials averages a model's trials; an sbibm task has none");
  const config = args.model === undefined ? undefined : modelExperiment(args.model);
  const model = config && trialMeanSimulator(config.simulator(args.dt ?? config.dtMs), args.trials);
  const task = args.task === undefined ? undefined : getTask(args.task);
  const { prior, around } = model ? await fitPrior(args, model) : { prior: undefined, around: undefined };
  const observation = await readObservation(
    args,
    config && { config, simulator: model! },
    model ? model.timesMs.length : task!.xDim,
  );
  const settings: FitSettings = {
    target: model
      ? {
        model: modelKey(args.model!),
        ...(args.dt ? { dt_ms: args.dt } : {}),
        // Recorded only where more than one, as with the quantile below.
        ...(args.trials > 1 ? { trials: args.trials } : {}),
      }
      : { task: task!.name },
    observation: observation.source,
    rounds: args.rounds,
    sims_per_round: args.simsPerRound,
    initial_dataset: args.initialDataset ? resolve(args.initialDataset) : null,
    flow: args.flow,
    noise: model ? args.noise : false,
    seed: args.seed,
    max_epochs: args.maxEpochs ?? null,
    batch_size: args.batchSize,
    predictive_sims: args.predictiveSims,
    samples: args.samples,
    stop_ratio: args.stopRatio,
    max_prior_draws: args.maxPriorDraws,
    // Recorded only where it differs from the default, so that earlier fits resume and continue as they were.
    ...(args.quantile !== TRUNCATION_DEFAULTS.quantile ? { quantile: args.quantile } : {}),
    ...(around ? { around } : {}),
  };
  const initial = model && args.initialDataset
    ? await readInitialDataset(
      args.initialDataset,
      model,
      prior!,
      settings.noise ? config!.noise : 0,
    )
    : undefined;
  await assertWritableDir(args.out);
  const previous = await checkFitFolder(args.out, settings);
  const ownFile = config && isExperimentFile(args.model!) ? config : undefined;
  if (ownFile) await assertExperimentUnchanged(args.out, ownFile);
  const backend = await useBackend(args.backend);
  const runtime = model ? await GpuRuntime.acquire({ requiredLimits: model.requiredLimits }) : undefined;
  try {
    const target: FitTarget = model
      ? modelTarget(config!, runtime!, settings.noise, args.dt, prior, args.trials)
      : taskTarget(task!);
    // A researcher's experiment file: the fit keeps its own copy, which resumes, exports and the report read. Written
    // just before the fit's own records, so that a failed start leaves no lone copy in a new folder.
    if (ownFile) await keepExperimentCopy(args.out, ownFile);
    console.error(`fitting ${target.label} to ${observation.label} (flows train on ${backend})`);
    const command = `cd ${shellQuote(Deno.cwd())} && deno task cli fit ${Deno.args.slice(1).map(shellQuote).join(" ")}`;
    const result = await runFit({
      dir: args.out,
      settings,
      command,
      target,
      observation,
      previous,
      initial,
      flow: args.flow,
      training: trainingOptions(args),
      runtime,
      log: (m) => console.error(m),
      onEpoch: printEpoch,
    });
    const last = result.rounds.at(-1)!;
    console.log(
      `fit ${args.out}: ${result.rounds.length} rounds (${
        result.stopped === "converged" ? "the region stopped shrinking" : "the last round"
      }), ${last.total_sims} simulations, region volume ${last.region.volume.toPrecision(3)}, predictive RMSE ` +
        `${last.predictive.rmse.toPrecision(3)}; posterior in ${args.out}/posterior`,
    );
  } finally {
    runtime?.destroy();
  }
}
