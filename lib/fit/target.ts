/**
 * What a truncated sequential fit (lib/fit/tsnpe.ts) runs on: a registered model (GPU simulator, its experiment's
 * summary statistic and observation noise) or an sbibm task (CPU simulator, raw x). Both are seen through one
 * interface with θ in the prior's units (the posterior maps to and from its flow's coordinates itself).
 */
import { SUMMARIES } from "../experiments/configs.ts";
import type { ExperimentConfig } from "../experiments/types.ts";
import { addObservationNoise } from "../experiments/checks.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { trialMeanSimulator } from "../models/trials.ts";
import type { Prior } from "../prior/prior.ts";
import { seededUniform, type Uniform } from "../random.ts";
import type { SbibmTask } from "../sbibm/task.ts";
import { seededNormal } from "../stats/normal.ts";
import type { SummarySpec } from "../stats/summary.ts";

export interface FitTarget {
  /** "model rc", "sbibm gaussian_linear". */
  label: string;
  /** The prior: its parameters' units are those of every θ here; its support is what posterior samples lie in. */
  prior: Prior;
  /** The times (ms) of x's columns; an sbibm task's x is indexed 1, 2, ... */
  timesMs: number[];
  xUnit?: string;
  /** The summary statistic fitted on round 1's x; none: the flow sees x itself. */
  summary?: SummarySpec;
  /** n prior draws. */
  samplePrior(n: number, uniform: Uniform): Float32Array;
  /** x for rows of θ with the simulator's noise, one seed per row. */
  simulate(theta: Float32Array, seeds: Float64Array): Promise<Float32Array>;
  /** x for rows of θ without observation noise (posterior-predictive checks, as experiments draw them). */
  predict(theta: Float32Array, seeds: Float64Array): Promise<Float32Array>;
}

/**
 * An experiment's model (shipped or a researcher's file) as a fit target; `noise` false leaves the experiment's
 * observation noise out; `prior`, within the model's (fit --around), replaces it; x the mean of `trials` trials
 * (lib/models/trials.ts).
 */
export function modelTarget(
  config: ExperimentConfig,
  runtime: GpuRuntime,
  noise: boolean,
  dtMs?: number,
  prior?: Prior,
  trials = 1,
): FitTarget {
  const simulator = trialMeanSimulator(config.simulator(dtMs ?? config.dtMs), trials);
  const halfWidth = noise ? config.noise : 0;
  const target = simulatorTarget(simulator, runtime, halfWidth, SUMMARIES[config.summary], prior);
  // Named as --model names it (the experiment's name), not by the simulator inside ("hnn-erp" for erp).
  const label = `model ${config.name}${trials === 1 ? "" : ` (mean of ${trials} trials)`}`;
  return { ...target, label };
}

/** Any simulator as a fit target: uniform noise of `halfWidth` on x, `summary` fitted on round 1. */
export function simulatorTarget(
  simulator: Simulator,
  runtime: GpuRuntime,
  halfWidth: number,
  summary?: SummarySpec,
  prior: Prior = simulator.prior,
): FitTarget {
  const t = simulator.timesMs.length;
  const predict = (theta: Float32Array, seeds: Float64Array) => simulator.simulate(runtime, theta, { seeds });
  return {
    label: `model ${simulator.name}`,
    prior,
    timesMs: Array.from(simulator.timesMs),
    xUnit: simulator.xUnit,
    summary,
    samplePrior: (n, uniform) => Float32Array.from(prior.sample(n, uniform)),
    simulate: async (theta, seeds) => {
      const x = await predict(theta, seeds);
      return halfWidth > 0 ? addObservationNoise(x, t, halfWidth, seeds) : x;
    },
    predict,
  };
}

/** An sbibm task as a fit target. */
export function taskTarget(task: SbibmTask): FitTarget {
  const simulate = (theta: Float32Array, seeds: Float64Array) => {
    // One stream per call, from its first row's seed: a round's rows are simulated in one call.
    const uniform = seededUniform(seeds.length > 0 ? seeds[0] % 2 ** 31 : 0);
    return Promise.resolve(task.simulate(theta, { uniform, normal: seededNormal(uniform) }));
  };
  return {
    label: `sbibm ${task.name}`,
    prior: task.prior,
    timesMs: Array.from({ length: task.xDim }, (_, i) => i + 1),
    samplePrior: (n, uniform) => Float32Array.from(task.prior.sample(n, uniform, seededNormal(uniform))),
    simulate,
    predict: simulate,
  };
}
