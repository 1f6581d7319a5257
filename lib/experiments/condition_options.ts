/** Options of conditioning a run on a waveform, apart from lib/experiments/condition.ts so the CLI shows them without loading tfjs. */

export interface ConditionOptions {
  samples: number;
  /** Simulations from the first samples for the predictive bands: few, so an answer takes seconds on a CPU. */
  predictiveSims: number;
  seed: number;
}

export const CONDITION_DEFAULTS: ConditionOptions = { samples: 1000, predictiveSims: 20, seed: 0 };
