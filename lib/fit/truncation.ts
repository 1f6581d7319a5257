/**
 * The truncated prior of TSNPE (Deistler et al. 2022; sbi's `get_density_thresholder` and `RestrictedPrior`): the
 * prior restricted to the current posterior's highest-probability region, { θ : log q(θ | x_o) > τ }, where τ is the
 * `quantile` (1e-4) of log q over posterior samples. Drawn by rejection from the prior; the acceptance rate of the
 * prior draws estimates the region's prior mass ("volume"), with its binomial standard error.
 */
import type { Posterior } from "../posterior/posterior.ts";
import type { Uniform } from "../random.ts";

/** sbi's defaults: the 1e-4 quantile of log q over 10,000 posterior samples. */
export const TRUNCATION_DEFAULTS = { quantile: 1e-4, supportSamples: 10_000 } as const;

/** τ: the `quantile` of log q(θ | x_o) over `samples` posterior draws (sbi: the sorted values at ⌊quantile · n⌋). */
export async function densityThreshold(
  posterior: Posterior,
  xo: ArrayLike<number>,
  seed: number,
  { quantile, supportSamples }: { quantile: number; supportSamples: number } = TRUNCATION_DEFAULTS,
): Promise<number> {
  const { samples } = await posterior.sample(supportSamples, xo, { seed });
  const logProbs = (await posterior.logProb(samples, xo)).sort();
  return logProbs[Math.floor(quantile * supportSamples)];
}

export interface TruncatedDraws {
  /** n accepted rows of θ (the prior's units). */
  theta: Float32Array;
  /** Prior draws examined and accepted (all batches, accepted beyond n included). */
  drawn: number;
  accepted: number;
  /** accepted / drawn: the region's prior mass, and its standard error √(v(1 − v)/drawn). */
  volume: number;
  volumeSe: number;
}

export interface TruncationOptions {
  /** Prior draws per batch; at least this many are examined, so the volume estimate has a useful error. */
  batch: number;
  /** Give up when n are not accepted after this many prior draws (the region is too small to draw from). */
  maxDraws: number;
}

/** n draws of the prior restricted to { log q(θ | x_o) > τ }, by rejection from `samplePrior`. */
export async function truncatedDraws(
  n: number,
  samplePrior: (n: number, uniform: Uniform) => Float32Array,
  posterior: Posterior,
  xo: ArrayLike<number>,
  threshold: number,
  uniform: Uniform,
  { batch, maxDraws }: TruncationOptions,
): Promise<TruncatedDraws> {
  const d = posterior.thetaDim;
  const theta = new Float32Array(n * d);
  let drawn = 0, accepted = 0;
  while (accepted < n || drawn < batch) {
    if (drawn >= maxDraws) {
      throw new Error(
        `the truncation region holds ${accepted} of ${drawn} prior draws (${n} needed): its prior mass is too ` +
          `small to draw from; the posterior does not fit this observation (or raise --max-prior-draws)`,
      );
    }
    const size = Math.min(batch, maxDraws - drawn);
    const draws = samplePrior(size, uniform);
    const logProbs = await posterior.logProb(draws, xo);
    for (let r = 0; r < size; r++) {
      if (!(logProbs[r] > threshold)) continue;
      if (accepted < n) theta.set(draws.subarray(r * d, (r + 1) * d), accepted * d);
      accepted++;
    }
    drawn += size;
  }
  const volume = accepted / drawn;
  return { theta, drawn, accepted, volume, volumeSe: Math.sqrt(volume * (1 - volume) / drawn) };
}
