/**
 * The seed paper's per-parameter checks: parameter recovery error, the Wasserstein-1 distance between the posterior
 * samples and the true value on the unit scale (for a point mass it is the mean absolute deviation), and the
 * posterior predictive RMSE between simulations from posterior samples and the observation.
 */

/** W1(samples, δ(truth)) per parameter, on the unit scale; samples row-major m × d. */
export function recoveryError(unitSamples: ArrayLike<number>, unitTruth: ArrayLike<number>): number[] {
  const d = unitTruth.length, m = unitSamples.length / d;
  if (!Number.isInteger(m) || m === 0) throw new Error(`samples must be rows of ${d} values`);
  const out = new Array(d).fill(0);
  for (let s = 0; s < m; s++) for (let j = 0; j < d; j++) out[j] += Math.abs(unitSamples[s * d + j] - unitTruth[j]) / m;
  return out;
}

/** RMSE of each simulated waveform (rows of `simulations`) against the observation, and their mean. */
export function predictiveRmse(simulations: ArrayLike<number>, observation: ArrayLike<number>): {
  perSimulation: number[];
  mean: number;
} {
  const t = observation.length, n = simulations.length / t;
  if (!Number.isInteger(n) || n === 0) throw new Error(`simulations must be rows of ${t} samples`);
  const perSimulation = Array.from({ length: n }, (_, i) => {
    let sq = 0;
    for (let k = 0; k < t; k++) sq += (simulations[i * t + k] - observation[k]) ** 2;
    return Math.sqrt(sq / t);
  });
  return { perSimulation, mean: perSimulation.reduce((a, b) => a + b, 0) / n };
}

/** The paper's grid of ground truths: `points` values per dimension on the unit cube, every combination. */
export function unitGrid(dim: number, points = 10): Float64Array {
  const values = Array.from({ length: points }, (_, k) => (k + 0.5) / points);
  const total = points ** dim;
  const out = new Float64Array(total * dim);
  for (let i = 0; i < total; i++) {
    let rest = i;
    for (let j = dim - 1; j >= 0; j--) {
      out[i * dim + j] = values[rest % points];
      rest = Math.floor(rest / points);
    }
  }
  return out;
}

/** Median and central 95% interval of each parameter of row-major samples (m × d). */
export function marginalQuantiles(samples: ArrayLike<number>, d: number) {
  const m = samples.length / d;
  const at = (sorted: number[], q: number) => sorted[Math.min(m - 1, Math.floor(q * m))];
  const columns = Array.from(
    { length: d },
    (_, j) => Array.from({ length: m }, (_, s) => samples[s * d + j]).sort((a, b) => a - b),
  );
  return {
    q025: columns.map((c) => at(c, 0.025)),
    median: columns.map((c) => at(c, 0.5)),
    q975: columns.map((c) => at(c, 0.975)),
  };
}
