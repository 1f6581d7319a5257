/**
 * Simulation-based calibration (Talts et al. 2018, as sbi's `run_sbc`/`check_sbc`): for pairs (θ*, x) drawn from
 * the prior and simulator, the rank of θ* among posterior samples given x is uniform when the posterior is right.
 */
import kstest from "npm:@stdlib/stats-kstest@0.2.3";
import binomialQuantile from "npm:@stdlib/stats-base-dists-binomial-quantile@0.2.3";

export interface SbcResult {
  parameters: string[];
  /** Posterior samples per pair: ranks lie in 0..samples. */
  samples: number;
  /** n × d ranks, row-major. */
  ranks: Uint32Array;
  /** Per parameter: KS test of ranks/samples against U(0, 1). */
  ks: { statistic: number; pValue: number; rejected: boolean }[];
  /** Rank histogram per parameter and the band that holds 99% of the bins' counts under uniformity. */
  histogram: { bins: number; counts: number[][]; band: [number, number] };
}

/** Rank of each parameter of θ* among its posterior samples (count of samples below it). */
export function sbcRanks(truths: Float64Array, posteriorSamples: Float64Array[], dim: number): Uint32Array {
  const n = truths.length / dim;
  if (posteriorSamples.length !== n) throw new Error(`expected ${n} sample sets, got ${posteriorSamples.length}`);
  const ranks = new Uint32Array(n * dim);
  posteriorSamples.forEach((samples, i) => {
    for (let j = 0; j < dim; j++) {
      let below = 0;
      for (let s = j; s < samples.length; s += dim) if (samples[s] < truths[i * dim + j]) below++;
      ranks[i * dim + j] = below;
    }
  });
  return ranks;
}

/** Uniformity of ranks per parameter at significance `alpha`, plus histograms for plotting. */
export function sbcCheck(
  ranks: Uint32Array,
  parameters: string[],
  samples: number,
  options: { alpha?: number; bins?: number } = {},
): SbcResult {
  const d = parameters.length, n = ranks.length / d;
  if (!Number.isInteger(n) || n < 2) throw new Error(`SBC needs at least 2 rank rows of ${d} parameters`);
  const alpha = options.alpha ?? 0.01;
  const bins = options.bins ?? Math.min(20, Math.max(2, Math.floor(n / 10)));
  const ks = [], counts: number[][] = [];
  for (let j = 0; j < d; j++) {
    // Ranks are discrete on 0..samples: centre each in its cell so they are uniform on (0, 1) under the null.
    const u = Array.from({ length: n }, (_, i) => (ranks[i * d + j] + 0.5) / (samples + 1));
    const test = kstest(u, "uniform", 0, 1, { alpha });
    ks.push({ statistic: test.statistic, pValue: test.pValue, rejected: test.rejected });
    const h = new Array(bins).fill(0);
    for (const v of u) h[Math.min(bins - 1, Math.floor(v * bins))]++;
    counts.push(h);
  }
  const band: [number, number] = [binomialQuantile(0.005, n, 1 / bins), binomialQuantile(0.995, n, 1 / bins)];
  return { parameters, samples, ranks, ks, histogram: { bins, counts, band } };
}
