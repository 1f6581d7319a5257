/** An sbibm benchmark task (Lueckmann et al. 2021): its prior, simulator and reference files. */
import { Prior } from "../prior/prior.ts";
import type { Uniform } from "../random.ts";
import type { Normal } from "../stats/normal.ts";

export interface Draws {
  uniform: Uniform;
  normal: Normal;
}

export interface SbibmTask {
  name: string;
  thetaDim: number;
  xDim: number;
  /** Drawn with the task's uniform and normal streams (Prior.sample). */
  prior: Prior;
  /** One x row per θ row. */
  simulate(theta: Float32Array, draws: Draws): Float32Array;
}

export const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}_${i + 1}`);

/** A uniform box prior [low, high]^dim with sbibm's parameter names. */
export function uniformBox(dim: number, low: number, high: number): Prior {
  return new Prior(names("parameter", dim).map((name) => ({ name, low, high, scale: "linear" })));
}
