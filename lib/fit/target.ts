/**
 * What a truncated sequential fit (lib/fit/tsnpe.ts) runs on: a registered model (GPU simulator, its experiment's
 * summary statistic and observation noise) or an sbibm task (CPU simulator, raw x). Both are seen through one
 * interface in the flow's coordinates (lib/posterior/coordinates.ts), so the loop never converts units itself.
 */
import { canonicalModelName, getModel } from "../models/registry.ts";
import { EXPERIMENTS, SUMMARIES } from "../experiments/configs.ts";
import { addObservationNoise } from "../experiments/checks.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { flowCoordinates } from "../posterior/coordinates.ts";
import type { PriorSpec } from "../posterior/support.ts";
import type { ParameterSpec } from "../prior.ts";
import { Prior } from "../prior.ts";
import { seededUniform, type Uniform } from "../random.ts";
import type { SbibmTask } from "../sbibm/task.ts";
import { seededNormal } from "../stats/normal.ts";
import type { SummarySpec } from "../stats/summary.ts";

export interface FitTarget {
  /** "model rc", "sbibm gaussian_linear". */
  label: string;
  names: string[];
  /** The prior's support in flow coordinates: what posterior samples are rejected into. */
  support: PriorSpec;
  /**
   * The prior's parameters (saved with the posterior so samples come back in their units); an sbibm task's, linear,
   * with its box or, for a normal prior, mean ± 5 sd as the bounds the report draws.
   */
  parameters: ParameterSpec[];
  /** The times (ms) of x's columns; an sbibm task's x is indexed 1, 2, ... */
  timesMs: number[];
  xUnit?: string;
  /** The summary statistic fitted on round 1's x; none: the flow sees x itself. */
  summary?: SummarySpec;
  /** n prior draws in flow coordinates. */
  samplePrior(n: number, uniform: Uniform): Float32Array;
  /** x for rows of θ (flow coordinates) with the simulator's noise, one seed per row. */
  simulate(theta: Float32Array, seeds: Float64Array): Promise<Float32Array>;
  /** x for rows of θ without observation noise (posterior-predictive checks, as experiments draw them). */
  predict(theta: Float32Array, seeds: Float64Array): Promise<Float32Array>;
  /** θ rows from flow coordinates to the parameters' units. */
  toParameterUnits(theta: Float32Array): Float32Array;
}

/** A registered model as a fit target; `noise` false leaves the experiment's observation noise out. */
export function modelTarget(name: string, runtime: GpuRuntime, noise: boolean, dtMs?: number): FitTarget {
  const simulator = getModel(name, dtMs);
  const config = EXPERIMENTS[canonicalModelName(name) as keyof typeof EXPERIMENTS];
  const halfWidth = noise ? config.noise : 0;
  return simulatorTarget(simulator, runtime, halfWidth, SUMMARIES[config.summary]);
}

/** Any simulator with a box prior as a fit target: uniform noise of `halfWidth` on x, `summary` fitted on round 1. */
export function simulatorTarget(
  simulator: Simulator,
  runtime: GpuRuntime,
  halfWidth: number,
  summary?: SummarySpec,
): FitTarget {
  const parameters = simulator.prior.toJSON();
  const coords = flowCoordinates(parameters);
  const prior = new Prior(parameters);
  const t = simulator.timesMs.length;
  const predict = (theta: Float32Array, seeds: Float64Array) =>
    simulator.simulate(runtime, coords.fromFlow(theta), { seeds });
  return {
    label: `model ${simulator.name}`,
    names: prior.names,
    support: coords.support,
    parameters,
    timesMs: Array.from(simulator.timesMs),
    xUnit: simulator.xUnit,
    summary,
    samplePrior: (n, uniform) => coords.toFlow(prior.sample(n, uniform)),
    simulate: async (theta, seeds) => {
      const x = await predict(theta, seeds);
      return halfWidth > 0 ? addObservationNoise(x, t, halfWidth, seeds) : x;
    },
    predict,
    toParameterUnits: (theta) => coords.fromFlow(theta),
  };
}

/** An sbibm task as a fit target: its parameters are already the flow's coordinates. */
export function taskTarget(task: SbibmTask): FitTarget {
  const simulate = (theta: Float32Array, seeds: Float64Array) => {
    // One stream per call, from its first row's seed: a round's rows are simulated in one call.
    const uniform = seededUniform(seeds.length > 0 ? seeds[0] % 2 ** 31 : 0);
    return Promise.resolve(task.simulate(theta, { uniform, normal: seededNormal(uniform) }));
  };
  return {
    label: `sbibm ${task.name}`,
    names: [...task.prior.names],
    support: task.prior,
    parameters: task.prior.names.map((name, j) => {
      const p = task.prior;
      return p.kind === "box" ? { name, low: p.low[j], high: p.high[j], scale: "linear" } : {
        name,
        low: p.mean[j] - 5 * Math.sqrt(p.variance[j]),
        high: p.mean[j] + 5 * Math.sqrt(p.variance[j]),
        scale: "linear",
      };
    }),
    timesMs: Array.from({ length: task.xDim }, (_, i) => i + 1),
    samplePrior: (n, uniform) => task.samplePrior(n, { uniform, normal: seededNormal(uniform) }),
    simulate,
    predict: simulate,
    toParameterUnits: (theta) => theta,
  };
}
