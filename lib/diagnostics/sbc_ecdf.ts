/**
 * SBC as an ECDF difference (Säilynoja, Bürkner & Vehtari 2022, as sbi and ArviZ draw it): the empirical CDF of
 * the normalised ranks minus the uniform CDF, with a simultaneous band that a calibrated posterior's whole curve
 * stays inside with probability `1 − alpha`. The band is pointwise binomial at an adjusted level γ, found by
 * simulating uniform ranks so that the smallest pointwise tail probability of a curve falls below γ a fraction
 * alpha of the time.
 */
import binomialCdf from "npm:@stdlib/stats-base-dists-binomial-cdf@0.2.3";
import binomialQuantile from "npm:@stdlib/stats-base-dists-binomial-quantile@0.2.3";
import { seededUniform } from "../random.ts";

export interface EcdfBand {
  /** Evaluation points z on (0, 1). */
  z: number[];
  /** The uniform ranks' CDF at z (exact for ranks on 0..samples). */
  expected: number[];
  /** Lower and upper edges of the band, as ECDF values (fractions of pairs). */
  lower: number[];
  upper: number[];
  /** The simultaneous probability of the band, and the pointwise level γ that achieves it. */
  probability: number;
  gamma: number;
}

/** Ranks below each z: a rank r sits at (r + 0.5) / (samples + 1), so it counts at z when r < ⌊z (samples + 1) + ½⌋. */
function thresholds(z: number[], samples: number): number[] {
  return z.map((v) => Math.floor(v * (samples + 1) + 0.5));
}

/** Evaluation points: every rank cell when there are few, else 100 equal steps. */
export function ecdfPoints(samples: number): number[] {
  const k = Math.min(samples + 1, 100);
  return Array.from({ length: k - 1 }, (_, i) => (i + 1) / k);
}

/** ECDF of one parameter's ranks (0..samples) at `z`, minus the uniform ranks' CDF there. */
export function ecdfDifference(ranks: ArrayLike<number>, samples: number, z = ecdfPoints(samples)): number[] {
  const cells = new Array(samples + 2).fill(0);
  for (let i = 0; i < ranks.length; i++) cells[ranks[i] + 1]++;
  for (let r = 1; r < cells.length; r++) cells[r] += cells[r - 1];
  return thresholds(z, samples).map((t) => (cells[t] - t * ranks.length / (samples + 1)) / ranks.length);
}

const bands = new Map<string, EcdfBand>();

/**
 * The simultaneous band for `pairs` ranks on 0..samples (cached: the pages draw it for every parameter). The
 * seed fixes the simulation, so a run's page always shows the same band.
 */
export function ecdfBand(
  pairs: number,
  samples: number,
  options: { alpha?: number; simulations?: number; seed?: number; z?: number[] } = {},
): EcdfBand {
  const { alpha = 0.01, simulations = 1000, seed = 1, z = ecdfPoints(samples) } = options;
  const key = JSON.stringify([pairs, samples, alpha, simulations, seed, z]);
  const cached = bands.get(key);
  if (cached) return cached;
  const t = thresholds(z, samples), p = t.map((v) => v / (samples + 1));
  const uniform = seededUniform(seed);
  const cells = new Array(samples + 2);
  const smallest: number[] = [];
  for (let m = 0; m < simulations; m++) {
    cells.fill(0);
    for (let i = 0; i < pairs; i++) cells[Math.floor(uniform() * (samples + 1)) + 1]++;
    for (let r = 1; r < cells.length; r++) cells[r] += cells[r - 1];
    let least = 1;
    for (let k = 0; k < t.length; k++) {
      if (p[k] <= 0 || p[k] >= 1) continue;
      const c = cells[t[k]];
      const tail = Math.min(binomialCdf(c, pairs, p[k]), 1 - binomialCdf(c - 1, pairs, p[k]));
      least = Math.min(least, 2 * tail);
    }
    smallest.push(least);
  }
  smallest.sort((a, b) => a - b);
  const gamma = smallest[Math.floor(alpha * simulations)];
  const band: EcdfBand = {
    z,
    expected: p,
    lower: p.map((q) => binomialQuantile(gamma / 2, pairs, q) / pairs),
    upper: p.map((q) => binomialQuantile(1 - gamma / 2, pairs, q) / pairs),
    probability: 1 - alpha,
    gamma,
  };
  bands.set(key, band);
  return band;
}

/**
 * Coverage of each parameter's central credible intervals, from its SBC ranks: θ* lies inside the central α
 * interval of its marginal exactly when its normalised rank lies in [(1 − α)/2, (1 + α)/2].
 */
export function marginalCoverage(ranks: ArrayLike<number>, dim: number, samples: number, levels: number[]): number[][] {
  const n = ranks.length / dim;
  return Array.from({ length: dim }, (_, j) =>
    levels.map((level) => {
      let inside = 0;
      for (let i = 0; i < n; i++) {
        const u = (ranks[i * dim + j] + 0.5) / (samples + 1);
        if (u >= (1 - level) / 2 && u <= (1 + level) / 2) inside++;
      }
      return inside / n;
    }));
}
