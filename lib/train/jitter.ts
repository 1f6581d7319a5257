/**
 * Jitter on the training θ, the paper's second regulariser (its training code adds N(0, 0.01²) to the unit-cube θ of
 * the RC, hnn-rc and ERP pairs): a standard deviation given on the prior's unit scale becomes sd·(high − low) in
 * each flow coordinate of a box, so a log10 prior is jittered in decades. Training pairs only; the generative model
 * the diagnostics draw from is unchanged.
 */
import type { Prior } from "../prior/prior.ts";
import { seededUniform } from "../random.ts";
import { seededNormal } from "../stats/normal.ts";

/** `theta`: rows in the prior's flow coordinates (Prior.toFlow), as the flow learns them. */
export function jitterTheta(theta: Float32Array, prior: Prior, unitSd: number, seed: number): Float32Array {
  if (!(unitSd >= 0) || !Number.isFinite(unitSd)) throw new Error(`θ jitter must be a finite sd ≥ 0, got ${unitSd}`);
  const d = prior.dim;
  if (theta.length % d !== 0) throw new Error(`θ has ${theta.length} values, not a multiple of its ${d} parameters`);
  // No jitter needs no unit scale: a normal prior's pairs train unjittered.
  if (unitSd === 0) return theta;
  if (!prior.isBox) throw new Error("θ jitter is defined on a box prior's unit scale");
  const normal = seededNormal(seededUniform(seed));
  const { low, high } = prior.flowBounds();
  const sd = low.map((lo, j) => unitSd * (high[j] - lo));
  return Float32Array.from(theta, (v, i) => v + sd[i % d] * normal());
}
