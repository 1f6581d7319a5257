/**
 * What an experiment will cost before it runs: the networks each stage simulates (as run.ts and checks.ts simulate
 * them), the disk its folder takes, and the time on this adapter from a short measured probe.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { seededUniform } from "../random.ts";
import { formatBytes, formatDuration } from "../format.ts";
import type { Budget, ExperimentConfig } from "./types.ts";

export interface StagePlan {
  stage: string;
  networks: number;
}

export interface RunPlan {
  stages: StagePlan[];
  networks: number;
  /** Bytes the finished run folder holds (dataset, observations, posterior and diagnostics), estimated. */
  diskBytes: number;
  /** Bytes while the dataset is merged from its shards (both on disk at once). */
  peakDiskBytes: number;
}

/** Bytes of one number in a JSON record (digits of a float, separator). */
const JSON_NUMBER_BYTES = 20;
/** The posterior's weights, the run's experiment file, training log and diagnostics: about 1 MB at most. */
const FIXED_BYTES = 1e6;
/** Rows of the fitted summary: up to 30 PCA components, the mean and the time base. */
const SUMMARY_ROWS = 32;
/** Quantile rows of a predictive band (q025, q25, q50, q75, q975) plus times. */
const BAND_ROWS = 6;

export function runPlan(config: ExperimentConfig, budget: Budget, simulator: Simulator): RunPlan {
  const d = simulator.prior.dim, t = simulator.timesMs.length;
  const observations = config.observations.length, recordings = config.recordings?.length ?? 0;
  const stages: StagePlan[] = [
    { stage: "training set", networks: budget.sims },
    { stage: "SBC and coverage", networks: budget.sbcPairs },
    {
      stage: "recovery grid and its predictive checks",
      networks: budget.gridPoints ** d * (1 + budget.predictiveSims),
    },
    { stage: "observations and their predictive checks", networks: observations * (1 + budget.predictiveSims) },
    { stage: "recordings' predictive checks", networks: recordings * budget.predictiveSims },
  ].filter((s) => s.networks > 0);
  const dataset = budget.sims * (d + t) * 4;
  const perObservation = (budget.observationSamples * d + (2 + BAND_ROWS) * t + d * d) * JSON_NUMBER_BYTES;
  const diskBytes = dataset + (observations + recordings) * perObservation + SUMMARY_ROWS * t * JSON_NUMBER_BYTES +
    FIXED_BYTES;
  return {
    stages,
    networks: stages.reduce((n, s) => n + s.networks, 0),
    diskBytes,
    peakDiskBytes: diskBytes + dataset,
  };
}

/**
 * Seconds per network on this adapter: one network first (compiling the kernels), then `probe` prior draws in one
 * batch, timed. Batches on a GPU are cheaper per network than a small probe, so this errs long there.
 */
export async function measureSecondsPerNetwork(
  runtime: GpuRuntime,
  simulator: Simulator,
  probe: number,
): Promise<number> {
  const theta = new Float32Array(simulator.prior.sample(probe + 1, seededUniform(1)));
  const d = simulator.prior.dim;
  await simulator.simulate(runtime, theta.subarray(0, d));
  const began = performance.now();
  await simulator.simulate(runtime, theta.subarray(d), { seeds: Float64Array.from({ length: probe }, (_, i) => i) });
  return (performance.now() - began) / 1000 / probe;
}

/** A run whose simulations alone would take longer than this on a software adapter is announced as such. */
export const SOFTWARE_NOTICE_SECONDS = 3600;

/** What to say before a run on a software adapter whose simulations would take over an hour; else undefined. */
export function softwareNotice(plan: RunPlan, secondsPerNetwork: number, adapter: string): string | undefined {
  const seconds = plan.networks * secondsPerNetwork;
  if (seconds <= SOFTWARE_NOTICE_SECONDS) return undefined;
  return `note: about ${formatDuration(seconds)} of simulation (${plan.networks.toLocaleString("en-US")} networks) ` +
    `on the software adapter ${adapter}; a GPU is far faster (--dry-run prints the plan)`;
}

/** The plan as lines to print, with the simulation time from `secondsPerNetwork`. */
export function describePlan(plan: RunPlan, secondsPerNetwork: number, probe: number, adapter: string): string[] {
  const width = Math.max(...plan.stages.map((s) => s.stage.length));
  return [
    ...plan.stages.map((s) => `  ${s.stage.padEnd(width)}  ${s.networks.toLocaleString("en-US")} simulations`),
    `  ${"in all".padEnd(width)}  ${plan.networks.toLocaleString("en-US")} simulations`,
    `time: ${formatDuration(plan.networks * secondsPerNetwork)} of simulation on ${adapter} ` +
    `(${secondsPerNetwork.toPrecision(2)} s per network, measured on ${probe}; on a GPU larger batches cost less ` +
    `per network), plus training and posterior sampling`,
    `disk: ${formatBytes(plan.diskBytes)} (${formatBytes(plan.peakDiskBytes)} while the dataset is merged)`,
  ];
}
