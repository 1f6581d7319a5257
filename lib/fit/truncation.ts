/**
 * The truncated prior of TSNPE (Deistler et al. 2022; sbi's `get_density_thresholder` and `RestrictedPrior`): the
 * prior restricted to the current posterior's highest-probability region, { θ : log q(θ | x_o) > τ }, where τ is the
 * `quantile` (1e-4) of log q over posterior samples. Drawn by rejection from the prior; the acceptance rate of the
 * prior draws estimates the region's prior mass ("volume"), with its binomial standard error. A region too small for
 * rejection (a tight posterior in many dimensions) is drawn, for a box prior, by sampling-importance-resampling from
 * the posterior instead (sbi's `sample_with="sir"`), which also estimates its prior mass.
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
  /** Absent: rejection from the prior. "sir": `drawn` and `accepted` count posterior draws (importanceDraws). */
  sampler?: "sir";
}

/** Posterior draws per requested row in sampling-importance-resampling (at least one batch in all). */
const SIR_OVERSAMPLING = 100;
/** Fewer prior draws than this inside the region leave its volume to the importance estimate (relative error > 10%). */
const MIN_REJECTION_HITS = 100;

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
  const d = posterior.thetaDim, box = posterior.prior.isBox;
  const theta = new Float32Array(n * d);
  let drawn = 0, accepted = 0;
  while (accepted < n || drawn < batch) {
    // After the first batch: when the acceptance so far says the rest would take more than the draws left.
    const tooSmall = drawn >= batch && (n - accepted) * drawn > (maxDraws - drawn) * accepted;
    if (box && tooSmall) return importanceDraws(n, posterior, xo, threshold, uniform, batch);
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
  if (n === 0 && box && accepted < MIN_REJECTION_HITS) {
    return importanceDraws(0, posterior, xo, threshold, uniform, batch);
  }
  const volume = accepted / drawn;
  return { theta, drawn, accepted, volume, volumeSe: Math.sqrt(volume * (1 - volume) / drawn) };
}

/**
 * n draws of a box prior restricted to { log q(θ | x_o) > τ } by sampling-importance-resampling: m posterior draws
 * (n × SIR_OVERSAMPLING, at least `batch`), weighted by prior ÷ posterior density in flow coordinates (where the box
 * prior is uniform), and resampled in n disjoint pools of m / n draws, one row per pool, so no row repeats (but for a
 * pool with no draw in the region, which takes its row from all of them). The same weights estimate the region's prior
 * mass: V = a · mean(1{log q > τ} · p / q), a the posterior's acceptance into the support (its draws outside the box
 * count as zeros), with the standard error of that mean.
 */
async function importanceDraws(
  n: number,
  posterior: Posterior,
  xo: ArrayLike<number>,
  threshold: number,
  uniform: Uniform,
  batch: number,
): Promise<TruncatedDraws> {
  const prior = posterior.prior, d = posterior.thetaDim;
  const pools = Math.max(n, 1), perPool = Math.ceil(Math.max(batch, n * SIR_OVERSAMPLING) / pools), m = pools * perPool;
  const { samples, acceptanceRate } = await posterior.sample(m, xo, { seed: Math.floor(uniform() * 2 ** 31) });
  const logQ = await posterior.logProb(samples, xo);
  const { low, high } = prior.flowBounds();
  const logPrior = -low.reduce((sum, lo, j) => sum + Math.log(high[j] - lo), 0);
  // Weights p / q in flow coordinates (log q there is log q(θ) minus the Jacobian's log); zero outside the region.
  const weights = Float64Array.from(
    logQ,
    (lq, r) => (lq > threshold ? Math.exp(logPrior - (lq - prior.logJacobian(samples, r))) : 0),
  );
  const accepted = weights.reduce((count, w) => count + (w > 0 ? 1 : 0), 0);
  if (accepted === 0) {
    throw new Error(
      `the truncation region holds none of ${m} posterior draws (${n} needed): the threshold lies above the ` +
        `posterior's own density; the posterior does not fit this observation`,
    );
  }
  const mean = weights.reduce((a, w) => a + w, 0) / m;
  const variance = weights.reduce((a, w) => a + (w - mean) ** 2, 0) / (m - 1);
  const theta = new Float32Array(n * d);
  for (let k = 0; k < n; k++) {
    const start = k * perPool, pool = weights.subarray(start, start + perPool);
    const total = pool.reduce((a, w) => a + w, 0);
    // A pool without a draw in the region takes its row from the whole set, by the same weights.
    const [from, sum] = total > 0 ? [start, total] : [0, mean * m];
    const span = total > 0 ? perPool : m;
    let target = uniform() * sum, r = from;
    while (r < from + span - 1 && (target -= weights[r]) >= 0) r++;
    while (weights[r] === 0) r--; // rounding past the last positive weight
    theta.set(samples.subarray(r * d, (r + 1) * d), k * d);
  }
  return {
    theta,
    drawn: m,
    accepted,
    volume: acceptanceRate * mean,
    volumeSe: acceptanceRate * Math.sqrt(variance / m),
    sampler: "sir",
  };
}
