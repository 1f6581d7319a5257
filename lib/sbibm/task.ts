/** An sbibm benchmark task (Lueckmann et al. 2021): its prior, simulator and reference files. */
import type { PriorSpec } from "../posterior/support.ts";
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
  prior: PriorSpec;
  /** n × thetaDim prior draws, row-major. */
  samplePrior(n: number, draws: Draws): Float32Array;
  /** One x row per θ row. */
  simulate(theta: Float32Array, draws: Draws): Float32Array;
}

export const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}_${i + 1}`);

/** A uniform box prior [low, high]^dim with sbibm's parameter names. */
export function uniformBox(dim: number, low: number, high: number): Pick<SbibmTask, "prior" | "samplePrior"> {
  return {
    prior: { kind: "box", names: names("parameter", dim), low: Array(dim).fill(low), high: Array(dim).fill(high) },
    samplePrior: (n, { uniform }) => Float32Array.from({ length: n * dim }, () => low + (high - low) * uniform()),
  };
}
