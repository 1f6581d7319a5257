/** Simulated (θ, x) pairs for training: non-finite rows dropped (and counted), then a seeded train/validation split. */
import type { Prior } from "../prior/prior.ts";
import { seededUniform } from "../random.ts";
import { jitterTheta } from "./jitter.ts";

export interface Pairs {
  theta: Float32Array;
  x: Float32Array;
  rows: number;
  thetaDim: number;
  xDim: number;
}

/**
 * The pairs a flow trains on from θ in the prior's units: θ in the prior's flow coordinates (log10 of log10-scaled
 * parameters), jittered with `jitter.sd` on the prior's unit scale when given (lib/train/jitter.ts).
 */
export function flowPairs(
  prior: Prior,
  theta: Float32Array,
  x: Float32Array,
  xDim: number,
  jitter = { sd: 0, seed: 0 },
): Pairs {
  const rows = theta.length / prior.dim;
  if (!Number.isInteger(rows) || x.length !== rows * xDim) {
    throw new Error(`θ of ${theta.length} and x of ${x.length} values are not rows of ${prior.dim} and ${xDim}`);
  }
  return { theta: jitterTheta(prior.toFlow(theta), prior, jitter.sd, jitter.seed), x, rows, thetaDim: prior.dim, xDim };
}

/** Keep the rows whose θ and x are all finite. */
export function finiteRows(pairs: Pairs): { pairs: Pairs; dropped: number } {
  const { theta, x, rows, thetaDim, xDim } = pairs;
  const keep: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (allFinite(theta, r * thetaDim, thetaDim) && allFinite(x, r * xDim, xDim)) keep.push(r);
  }
  return { pairs: takeRows(pairs, keep), dropped: rows - keep.length };
}

/** A seeded shuffle of the rows, the last `fraction` of it for validation (as sbi). */
export function splitPairs(pairs: Pairs, fraction: number, seed: number): { train: Pairs; validation: Pairs } {
  const order = shuffled(pairs.rows, seed);
  const validationRows = Math.max(1, Math.round(fraction * pairs.rows));
  if (pairs.rows - validationRows < 2) throw new Error(`${pairs.rows} usable pairs are too few to train on`);
  return {
    train: takeRows(pairs, order.slice(0, pairs.rows - validationRows)),
    validation: takeRows(pairs, order.slice(pairs.rows - validationRows)),
  };
}

/** The minibatch order of one epoch (0-based) of training rows. */
export function epochOrder(rows: number, seed: number, epoch: number): number[] {
  return shuffled(rows, seed * 100_003 + epoch + 1);
}

/** 0..n-1 in a seeded random order (Fisher–Yates). */
export function shuffled(n: number, seed: number): number[] {
  const uniform = seededUniform(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export function takeRows(pairs: Pairs, rows: readonly number[]): Pairs {
  const { thetaDim, xDim } = pairs;
  const theta = new Float32Array(rows.length * thetaDim), x = new Float32Array(rows.length * xDim);
  rows.forEach((r, i) => {
    theta.set(pairs.theta.subarray(r * thetaDim, (r + 1) * thetaDim), i * thetaDim);
    x.set(pairs.x.subarray(r * xDim, (r + 1) * xDim), i * xDim);
  });
  return { theta, x, rows: rows.length, thetaDim, xDim };
}

function allFinite(values: Float32Array, start: number, count: number): boolean {
  for (let i = start; i < start + count; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
