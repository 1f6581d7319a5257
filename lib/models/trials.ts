/**
 * x as the mean of several trials of one θ (hnn-core's `n_trials` with `average_dipoles`): each trial shifts the
 * drives' event seeds, and the trials' x are averaged. A recording averages about a hundred trials, so one simulated
 * trial carries drive noise the recording has averaged away. Smoothing and scaling are linear: the mean of the
 * trials' x is x of their mean dipole.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { SimulateOptions, Simulator } from "./model.ts";

/** The seed of trial `r` of the row whose own seed is `rowSeed`: rows at seed 0 run hnn-core's trials 0 … n − 1. */
export function rowTrialSeed(rowSeed: number, trials: number, r: number): number {
  return rowSeed * trials + r;
}

/** Simulations per call to the simulator, so that memory stays bounded (x of 16,384 HNN networks: 56 MB). */
const NETWORKS_PER_CALL = 16_384;

/**
 * Each row of θ simulated `trials` times, trial r of row i with seed `seedOf(i, r)`, and averaged (float64): n ×
 * timesMs.length. A row's trials go to the simulator in one call with other rows', so they share its batches.
 */
export async function meanOverTrials(
  simulator: Simulator,
  runtime: GpuRuntime,
  theta: Float32Array,
  trials: number,
  seedOf: (row: number, r: number) => number,
  options: Omit<SimulateOptions, "seeds"> = {},
): Promise<Float64Array> {
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`trials must be a whole number ≥ 1, got ${trials}`);
  const d = simulator.prior.dim, t = simulator.timesMs.length;
  if (theta.length % d !== 0) throw new Error(`θ must have rows of ${d} values, got ${theta.length} values`);
  const n = theta.length / d, rowsPerCall = Math.max(1, Math.floor(NETWORKS_PER_CALL / trials));
  const mean = new Float64Array(n * t);
  for (let start = 0; start < n; start += rowsPerCall) {
    const rows = Math.min(rowsPerCall, n - start);
    const repeated = new Float32Array(rows * trials * d), seeds = new Float64Array(rows * trials);
    for (let i = 0; i < rows; i++) {
      for (let r = 0; r < trials; r++) {
        repeated.set(theta.subarray((start + i) * d, (start + i + 1) * d), (i * trials + r) * d);
        seeds[i * trials + r] = seedOf(start + i, r);
      }
    }
    const onProgress = options.onProgress &&
      ((done: number) => options.onProgress!(start + Math.floor(done / trials)));
    const x = await simulator.simulate(runtime, repeated, { ...options, onProgress, seeds });
    for (let i = 0; i < rows; i++) {
      for (let r = 0; r < trials; r++) {
        const row = (i * trials + r) * t;
        for (let k = 0; k < t; k++) mean[(start + i) * t + k] += x[row + k] / trials;
      }
    }
  }
  return mean;
}

/**
 * `simulator` with x the mean of `trials` trials; row i with seed s runs trials s·trials … s·trials + trials − 1
 * (rowTrialSeed). One trial: the simulator itself.
 */
export function trialMeanSimulator(simulator: Simulator, trials: number): Simulator {
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials must be a whole number ≥ 1, got ${trials}`);
  if (trials === 1) return simulator;
  return {
    ...simulator,
    description: `${simulator.description}; x the mean of ${trials} trials`,
    // In dataset manifests: a dataset of single trials is not one of trial means.
    settings: { ...simulator.settings, trials },
    simulate: async (runtime, theta, options = {}) => {
      const { seeds, ...rest } = options;
      const seedOf = (i: number, r: number) => rowTrialSeed(seeds?.[i] ?? 0, trials, r);
      return Float32Array.from(await meanOverTrials(simulator, runtime, theta, trials, seedOf, rest));
    },
  };
}

/**
 * How many trials x averages, by a simulator's settings or a dataset manifest's `model_settings` (1 unless
 * trialMeanSimulator made them).
 */
export function trialsOf(settings: Readonly<Record<string, unknown>> | undefined): number {
  const trials = settings?.trials;
  return typeof trials === "number" ? trials : 1;
}
