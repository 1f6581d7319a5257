/**
 * The checks of a trained posterior that an experiment runs and `diagnose` reruns: SBC and expected coverage on fresh
 * draws from the generative model, and the paper's grid of ground truths (parameter recovery and posterior
 * predictive checks). An experiment keeps each check's progress pair by pair, point by point, so a stopped run
 * resumes after what it kept.
 */
import { expectedCoverage, hpdLevel } from "../diagnostics/coverage.ts";
import { marginalQuantiles, predictiveRmse, recoveryError, unitGrid } from "../diagnostics/recovery.ts";
import { sbcCheck, sbcRanks } from "../diagnostics/sbc.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import type { Posterior } from "../posterior/posterior.ts";
import { seededUniform } from "../random.ts";
import { computeSummary, type FittedSummary } from "../stats/summary.ts";
import type { Budget } from "./configs.ts";
import type { ProgressLog } from "../runs/progress.ts";
import type { RecoveryPoint, SbcPair } from "../runs/types.ts";

/** Seeds of the independent streams an experiment draws from. */
export const STREAM = { dataset: 0, sbc: 2, sampling: 3, predictive: 4, grid: 5, observation: 6, jitter: 7 } as const;

export interface Context {
  /** The generative model: the simulator, plus observation noise with `--noise`. */
  model: Simulator;
  /** The noise-free simulator: the paper conditions on, and checks predictions with, noise-free waveforms. */
  simulator: Simulator;
  runtime: GpuRuntime;
  summary: FittedSummary;
  posterior: Posterior;
  log: Pick<ProgressLog, "write">;
  seed: number;
}

/**
 * The simulator followed by uniform observation noise of the given half-width, drawn from each row's seed: part of
 * the generative model, so training pairs, SBC pairs and conditioned observations all come from the same one.
 */
export function withObservationNoise(model: Simulator, halfWidth: number): Simulator {
  return {
    ...model,
    description: `${model.description}; + U(±${halfWidth}) noise`,
    settings: { ...model.settings, observation_noise: halfWidth },
    simulate: async (runtime, theta, options = {}) =>
      addObservationNoise(
        await model.simulate(runtime, theta, options),
        model.timesMs.length,
        halfWidth,
        options.seeds,
      ),
  };
}

/** Add uniform noise of half-width `halfWidth` to each row of x (t samples), in place, drawn from the row's seed. */
export function addObservationNoise(
  x: Float32Array,
  t: number,
  halfWidth: number,
  seeds?: ArrayLike<number>,
): Float32Array {
  for (let r = 0; r < x.length / t; r++) {
    const u = seededUniform(((seeds?.[r] ?? 0) + 0x9e3779b1) % 2 ** 31);
    for (let k = r * t; k < (r + 1) * t; k++) x[k] += (2 * u() - 1) * halfWidth;
  }
  return x;
}

/** Posterior samples (prior units) for one summary row. */
export function sampleAt(c: Context, features: ArrayLike<number>, n: number, seed: number) {
  return c.posterior.sample(n, features, { seed });
}

/** Seeds of a simulator's per-row randomness: one disjoint range per stream, so no two simulations share one. */
export function seedsFor(c: Context, stream: number, count: number, first = 0): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => (c.seed * 10 + stream) * 1e8 + first + i);
}

export async function simulateSummaries(c: Context, model: Simulator, theta: Float32Array, stream: number, first = 0) {
  const x = await model.simulate(c.runtime, theta, {
    seeds: seedsFor(c, stream, theta.length / c.model.prior.dim, first),
  });
  return { x, features: await computeSummary(c.runtime, c.summary, x) };
}

/**
 * A check's results so far, one per SBC pair or grid point in order, and where to keep them: a stopped run resumes
 * after the last kept one.
 */
export interface CheckProgress<T> {
  done: T[];
  save(done: T[]): Promise<void>;
}

/** The longest a check's progress goes unsaved, in seconds, and the share of its time that saving may take. */
const SAVE_SECONDS = 30;
const SAVE_SHARE = 0.01;

/**
 * Compute a check's items 0..total-1 in order, from the first one `progress` has not kept, saving them as they come:
 * at least every SAVE_SECONDS, more often while a save costs under SAVE_SHARE of the time between saves. Every item
 * draws from its own seeds, so the kept items are those this run would compute. Progress lines (`stage`) count the
 * kept items too.
 */
async function keepGoing<T>(
  c: Context,
  check: { stage: string; total: number; logEvery: number },
  compute: (i: number) => Promise<T>,
  progress?: CheckProgress<T>,
): Promise<T[]> {
  const { stage, total, logEvery } = check;
  const done = progress?.done.slice(0, total) ?? [];
  if (done.length > 0 && done.length < total) {
    await c.log.write(stage, { done: done.length, total, message: "kept from the stopped run" });
  }
  let saved = performance.now(), saveCost = 0;
  for (let i = done.length; i < total; i++) {
    done.push(await compute(i));
    if ((i + 1) % logEvery === 0 || i + 1 === total) await c.log.write(stage, { done: i + 1, total });
    const unsaved = performance.now() - saved;
    if (progress && i + 1 < total && unsaved >= Math.min(SAVE_SECONDS * 1000, saveCost / SAVE_SHARE)) {
      const start = performance.now();
      await progress.save(done);
      saved = performance.now();
      saveCost = saved - start;
    }
  }
  return done;
}

export async function calibrate(c: Context, pairs: number, samples: number, progress?: CheckProgress<SbcPair>) {
  const d = c.model.prior.dim, f = c.summary.names.length;
  const theta = new Float32Array(c.model.prior.sample(pairs, seededUniform(c.seed * 100 + STREAM.sbc)));
  // SBC and coverage hold only for observations drawn from the generative model itself: noise included.
  const { features } = await simulateSummaries(c, c.model, theta, STREAM.sbc);
  // HPD regions are ranked by the density on the prior's scale (log10 for log10 parameters), where a box is flat.
  const density = { density: "flow" } as const;
  const done = await keepGoing(c, { stage: "sbc", total: pairs, logEvery: 25 }, async (i): Promise<SbcPair> => {
    const row = features.subarray(i * f, (i + 1) * f), truth = theta.subarray(i * d, (i + 1) * d);
    const draws = (await sampleAt(c, row, samples, c.seed * 100 + STREAM.sampling + i)).samples;
    const [truthLogProb] = await c.posterior.logProb(truth, row, density);
    return {
      ranks: Array.from(sbcRanks(Float64Array.from(truth), [Float64Array.from(draws)], d)),
      level: hpdLevel(truthLogProb, await c.posterior.logProb(draws, row, density)),
    };
  }, progress);
  const sbc = sbcCheck(Uint32Array.from(done.flatMap((pair) => pair.ranks)), c.model.prior.names, samples);
  return { sbc: { ...sbc, ranks: Array.from(sbc.ranks) }, coverage: expectedCoverage(done.map((pair) => pair.level)) };
}

export async function gridCheck(
  c: Context,
  budget: Pick<Budget, "gridPoints" | "gridSamples" | "predictiveSims">,
  progress?: CheckProgress<RecoveryPoint>,
) {
  const prior = c.model.prior, d = prior.dim, f = c.summary.names.length, t = c.model.timesMs.length;
  const unit = unitGrid(d, budget.gridPoints);
  const points = unit.length / d;
  const theta = new Float32Array(prior.fromUnit(unit));
  const { x, features } = await simulateSummaries(c, c.simulator, theta, STREAM.grid);
  const done = await keepGoing(c, { stage: "grid", total: points, logEvery: 10 }, async (i) => {
    const { samples } = await sampleAt(c, features.subarray(i * f, (i + 1) * f), budget.gridSamples, i);
    const predictive = await c.simulator.simulate(c.runtime, samples.subarray(0, budget.predictiveSims * d), {
      seeds: seedsFor(c, STREAM.predictive, budget.predictiveSims, i * budget.predictiveSims),
    });
    return {
      error: recoveryError(prior.toUnit(samples), unit.subarray(i * d, (i + 1) * d)),
      ...marginalQuantiles(samples, d),
      rmse: predictiveRmse(predictive, x.subarray(i * t, (i + 1) * t)).mean,
    };
  }, progress);
  const errors = done.map((p) => p.error), rmse = done.map((p) => p.rmse);
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return {
    parameters: prior.names,
    grid_unit: Array.from({ length: points }, (_, i) => Array.from(unit.subarray(i * d, (i + 1) * d))),
    // Truths and posterior estimates in the prior's units, for the report's recovery scatter.
    truth: Array.from({ length: points }, (_, i) => Array.from(theta.subarray(i * d, (i + 1) * d))),
    posterior_median: done.map((p) => p.median),
    posterior_q025: done.map((p) => p.q025),
    posterior_q975: done.map((p) => p.q975),
    recovery_error: errors,
    predictive_rmse: rmse,
    median_error: prior.names.map((_, j) => median(errors.map((e) => e[j]))),
    median_rmse: median(rmse),
  };
}
