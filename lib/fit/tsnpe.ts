/**
 * Truncated sequential NPE (Deistler et al. 2022): round 1 draws θ from the prior (or reuses a prior-simulated
 * dataset); each later round draws from the prior truncated to the last posterior's highest-probability region
 * (lib/fit/truncation.ts), simulates, and trains a fresh flow on all rounds' pairs with the plain NPE loss (the
 * truncated prior is the prior inside the region, so no proposal correction is needed there). The rounds stop after
 * `rounds`, or earlier once the region stops shrinking: from round 2 on, when its prior mass is above `stopRatio`
 * times the previous round's. Every round ends with its record written (rounds/NNN.json, lib/fit/records.ts); an
 * interrupted fit resumes after its last finished round, re-simulating nothing that was saved.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic.ts";
import { flowConfig, type FlowKind } from "../flows/flow.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import { predictiveBands } from "../plots/posterior.ts";
import { formatSamplesCsv } from "../posterior/csv.ts";
import { loadPosterior, savePosterior } from "../posterior/io.ts";
import { Posterior } from "../posterior/posterior.ts";
import type { Prior } from "../prior/prior.ts";
import { seededUniform } from "../random.ts";
import { RunLock } from "../runs/lock.ts";
import { computeSummary, fitSummary, type FittedSummary } from "../stats/summary.ts";
import { clearCheckpoint } from "../train/checkpoint.ts";
import type { TrainingOptions } from "../train/options.ts";
import type { EpochReport } from "../train/checkpoint.ts";
import { flowPairs, type Pairs } from "../train/pairs.ts";
import { trainNpe } from "../train/trainer.ts";
import {
  CHECKPOINT_FILE,
  converged,
  FIT_FORMAT,
  type FitObservationRecord,
  type FitRecord,
  type FitSettings,
  fitWaveformAxis,
  POSTERIOR_DIR,
  readPairs,
  readRounds,
  RESULT_FILE,
  roundDir,
  type RoundRecord,
  SUMMARY_FILE,
  type VolumeEstimate,
  writeFit,
  writeObservation,
  writePairs,
  writeRound,
} from "./records.ts";
import type { FitTarget } from "./target.ts";
import { densityThreshold, type TruncatedDraws, truncatedDraws, TRUNCATION_DEFAULTS } from "./truncation.ts";

export interface FitRun {
  dir: string;
  settings: FitSettings;
  command: string;
  target: FitTarget;
  observation: FitObservationRecord;
  /** The record of the unfinished fit in `dir` being resumed. */
  previous?: FitRecord;
  /** Round 1's pairs from a prior-simulated dataset (θ in the prior's units, x with the model's noise). */
  initial?: { theta: Float32Array; x: Float32Array };
  flow: FlowKind;
  training: TrainingOptions;
  /** For a summary statistic computed on the GPU (model targets). */
  runtime?: GpuRuntime;
  log: (message: string) => void;
  onEpoch?: (report: EpochReport) => void;
}

export interface FitResult {
  rounds: RoundRecord[];
  stopped: "converged" | "rounds";
}

/** Independent random streams of one round. */
const STREAM = { prior: 1, simulate: 2, predictive: 3, threshold: 4, region: 5 } as const;
const streamSeed = (seed: number, round: number, stream: number) => (seed * 7919 + round * 101 + stream) % 2 ** 31;
/** One seed per simulated row, distinct across rounds (rows < 2^20 per round). */
const rowSeeds = (seed: number, round: number, stream: number, n: number) =>
  Float64Array.from({ length: n }, (_, i) => (streamSeed(seed, round, stream) * 2 ** 20 + i) % 2 ** 31);

export async function runFit(run: FitRun): Promise<FitResult> {
  const { dir, settings, target, log } = run;
  await Deno.mkdir(dir, { recursive: true });
  const lock = await RunLock.acquire(dir);
  const record: FitRecord = {
    format: FIT_FORMAT,
    status: "running",
    settings,
    command: run.command,
    label: `${target.label}, ${run.observation.label}`,
    parameters: target.prior.toJSON(),
    created: run.previous?.created ?? new Date().toISOString(),
  };
  let posterior: Posterior | undefined;
  try {
    await writeFit(dir, record);
    await writeObservation(dir, run.observation);
    const rounds = await readRounds(dir);
    if (rounds.length > 0) log(`resuming after round ${rounds.length} of ${settings.rounds}`);
    let summary = await readSummary(dir);
    const features = (x: Float32Array) => summary ? computeSummary(run.runtime!, summary, x) : Promise.resolve(x);
    const xo = Float32Array.from(run.observation.x);
    const pairs: { theta: Float32Array; x: Float32Array }[] = [];
    for (const r of rounds) pairs.push((await readPairs(dir, r.round))!);
    if (rounds.length > 0) {
      posterior = (await loadPosterior(join(roundDir(dir, rounds.length), POSTERIOR_DIR))).posterior;
    }
    const t0 = Date.now();
    try {
      for (
        let round = rounds.length + 1;
        round <= settings.rounds && !converged(rounds, settings.stop_ratio);
        round++
      ) {
        const started = Date.now();
        const { theta, x, proposal } = await roundPairs(run, round, posterior, rounds.at(-1), features);
        pairs.push({ theta, x });
        if (round === 1 && target.summary && !summary) {
          summary = await fitSummary(run.runtime!, target.summary, x, target.timesMs);
          await writeFileAtomic(join(dir, SUMMARY_FILE), JSON.stringify(summary) + "\n");
        }
        const xoFeatures = await features(xo);
        const all = await concatenated(pairs, features, target.prior);
        log(`round ${round}: training ${run.flow} on ${all.rows} pairs`);
        const checkpointPath = join(dir, CHECKPOINT_FILE);
        const config = flowConfig(run.flow, all.thetaDim, all.xDim, { seed: settings.seed });
        const trained = await trainNpe(all, config, run.training, { checkpointPath, onEpoch: run.onEpoch, log });
        posterior?.dispose();
        posterior = new Posterior(trained.flow, target.prior);
        const training = {
          epochs: trained.epochs,
          best_epoch: trained.bestEpoch,
          best_validation_loss: trained.bestValidationLoss,
          final_train_loss: trained.history.at(-1)?.trainLoss ?? NaN,
          dropped_nonfinite_rows: trained.droppedRows,
          seconds: trained.seconds,
        };
        await savePosterior(join(roundDir(dir, round), POSTERIOR_DIR), posterior, {
          fit: dir,
          round,
          rows: all.rows,
          ...training,
        });
        const predictive = await predictiveCheck(run, posterior, xoFeatures, xo, round);
        const region = await regionAfter(run, posterior, xoFeatures, round);
        const roundRecord: RoundRecord = {
          round,
          proposal,
          sims: theta.length / target.prior.dim,
          total_sims: all.rows,
          training,
          region: { threshold: region.threshold, ...region.estimate },
          predictive,
          seconds: (Date.now() - started) / 1000,
        };
        await writeRound(dir, roundRecord);
        await clearCheckpoint(checkpointPath);
        rounds.push(roundRecord);
        log(
          `round ${round}: ${roundRecord.sims} sims (proposal volume ${proposal.volume.toPrecision(3)}), validation ` +
            `loss ${training.best_validation_loss.toFixed(3)}, predictive RMSE ${predictive.rmse.toPrecision(3)}, ` +
            `region volume ${region.estimate.volume.toPrecision(3)} ± ${region.estimate.se.toPrecision(2)}`,
        );
      }
    } catch (error) {
      // The finished rounds are on disk: say how to end the fit on the last of them.
      const kept = rounds.length;
      if (kept === 0) throw error;
      throw new Error(
        `round ${kept + 1}: ${(error as Error).message}; rounds 1–${kept} are kept: the same command with ` +
          `--rounds ${kept} ends the fit on round ${kept}`,
      );
    }
    if (!posterior) throw new Error(`${dir}: no round finished`);
    const last = rounds.at(-1)!;
    await savePosterior(join(dir, POSTERIOR_DIR), posterior, {
      fit: dir,
      rounds: rounds.length,
      rows: last.total_sims,
      ...last.training,
      seconds: (Date.now() - t0) / 1000,
      options: run.training,
    });
    // The observation as the posterior sees it, so `sample --posterior DIR/posterior --x DIR/observation.csv` works.
    const names = Array.from({ length: posterior.xDim }, (_, i) => `x_${i + 1}`);
    await writeFileAtomic(join(dir, "observation.csv"), formatSamplesCsv(names, await features(xo)));
    await writeResult(run, posterior, await features(xo), last);
    const stopped = converged(rounds, settings.stop_ratio) ? "converged" : "rounds";
    await writeFit(dir, { ...record, status: "complete", completed: new Date().toISOString(), stopped });
    return { rounds, stopped };
  } finally {
    posterior?.dispose();
    await lock.release();
  }
}

/** The final posterior's samples at x_o with the last round's predictive bands, as the report's observation record. */
async function writeResult(run: FitRun, posterior: Posterior, xoFeatures: Float32Array, last: RoundRecord) {
  const { target, observation, settings } = run;
  const draws = await posterior.sample(settings.samples, xoFeatures, { seed: streamSeed(settings.seed, 0, 0) });
  const values = draws.samples, d = target.prior.dim;
  await Deno.mkdir(join(run.dir, "observations"), { recursive: true });
  const record = {
    label: observation.label,
    times_ms: observation.times_ms,
    x: observation.x,
    samples: Array.from({ length: settings.samples }, (_, r) => Array.from(values.subarray(r * d, (r + 1) * d))),
    acceptance_rate: draws.acceptanceRate,
    predictive: last.predictive.bands,
    waveform_axis: fitWaveformAxis(observation),
  };
  await writeFileAtomic(join(run.dir, RESULT_FILE), JSON.stringify(record) + "\n");
}

async function readSummary(dir: string): Promise<FittedSummary | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(dir, SUMMARY_FILE)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`${join(dir, SUMMARY_FILE)} is unreadable: ${(error as Error).message}`);
  }
}

/** A round's pairs: saved ones (a resumed round), else drawn from the prior or the last region and simulated. */
async function roundPairs(
  run: FitRun,
  round: number,
  posterior: Posterior | undefined,
  previous: RoundRecord | undefined,
  features: (x: Float32Array) => Promise<Float32Array>,
): Promise<{ theta: Float32Array; x: Float32Array; proposal: VolumeEstimate }> {
  const { dir, settings, target } = run;
  const saved = await readPairs(dir, round);
  if (saved) return saved;
  const n = settings.sims_per_round;
  let theta: Float32Array, x: Float32Array | undefined, proposal: VolumeEstimate;
  if (round === 1) {
    theta = run.initial?.theta ?? target.samplePrior(n, seededUniform(streamSeed(settings.seed, 1, STREAM.prior)));
    x = run.initial?.x;
    const rows = theta.length / target.prior.dim;
    proposal = { volume: 1, se: 0, drawn: rows, accepted: rows };
  } else {
    const xoFeatures = await features(Float32Array.from(run.observation.x));
    const draws = await truncatedDraws(
      n,
      target.samplePrior,
      posterior!,
      xoFeatures,
      previous!.region.threshold,
      seededUniform(streamSeed(settings.seed, round, STREAM.prior)),
      truncationOptions(settings),
    );
    theta = draws.theta;
    proposal = volumeEstimate(draws);
  }
  if (!x) {
    const rows = theta.length / target.prior.dim;
    run.log(`round ${round}: simulating ${rows} parameter sets`);
    x = await target.simulate(theta, rowSeeds(settings.seed, round, STREAM.simulate, rows));
  }
  await writePairs(dir, round, theta, x, proposal);
  return { theta, x, proposal };
}

function volumeEstimate(draws: TruncatedDraws): VolumeEstimate {
  const { volume, volumeSe: se, drawn, accepted, sampler } = draws;
  return { volume, se, drawn, accepted, ...(sampler ? { sampler } : {}) };
}

function truncationOptions(settings: FitSettings) {
  return {
    batch: Math.min(TRUNCATION_DEFAULTS.supportSamples, settings.max_prior_draws),
    maxDraws: settings.max_prior_draws,
  };
}

/** The region { log q(θ | x_o) > τ } after a round, and its prior mass from a batch of prior draws. */
async function regionAfter(run: FitRun, posterior: Posterior, xoFeatures: Float32Array, round: number) {
  const { settings, target } = run;
  const threshold = await densityThreshold(posterior, xoFeatures, streamSeed(settings.seed, round, STREAM.threshold), {
    ...TRUNCATION_DEFAULTS,
    quantile: settings.quantile ?? TRUNCATION_DEFAULTS.quantile,
  });
  // No draws are kept: one batch of prior draws only measures the region.
  const draws = await truncatedDraws(
    0,
    target.samplePrior,
    posterior,
    xoFeatures,
    threshold,
    seededUniform(streamSeed(settings.seed, round, STREAM.region)),
    truncationOptions(settings),
  );
  return {
    threshold,
    estimate: volumeEstimate(draws),
  };
}

/** K posterior draws simulated without noise: their bands, and the RMSE of the median waveform to x_o. */
async function predictiveCheck(
  run: FitRun,
  posterior: Posterior,
  xoFeatures: Float32Array,
  xo: Float32Array,
  round: number,
): Promise<RoundRecord["predictive"]> {
  const { settings, target } = run;
  const k = settings.predictive_sims;
  const seed = streamSeed(settings.seed, round, STREAM.predictive);
  const { samples } = await posterior.sample(k, xoFeatures, { seed });
  const x = await target.predict(samples, rowSeeds(settings.seed, round, STREAM.predictive, k));
  const bands = predictiveBands(x, target.timesMs);
  let sum = 0;
  for (let i = 0; i < xo.length; i++) sum += (bands.q50[i] - xo[i]) ** 2;
  return { rmse: Math.sqrt(sum / xo.length), bands };
}

/** All rounds' pairs as one training set (θ in the prior's flow coordinates), x through the summary. */
async function concatenated(
  pairs: { theta: Float32Array; x: Float32Array }[],
  features: (x: Float32Array) => Promise<Float32Array>,
  prior: Prior,
): Promise<Pairs> {
  const d = prior.dim;
  const rows = pairs.reduce((n, p) => n + p.theta.length / d, 0);
  const xs = await Promise.all(pairs.map((p) => features(p.x)));
  const xDim = xs[0].length / (pairs[0].theta.length / d);
  const theta = new Float32Array(rows * d), x = new Float32Array(rows * xDim);
  let offset = 0;
  pairs.forEach((p, i) => {
    theta.set(p.theta, offset * d);
    x.set(xs[i], offset * xDim);
    offset += p.theta.length / d;
  });
  return flowPairs(prior, theta, x, xDim);
}
