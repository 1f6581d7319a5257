/**
 * Expected coverage (sbi's `run_sbc` with the posterior's log-density as statistic): for each pair, the fraction
 * of posterior samples denser than θ* tells at which credibility level θ*'s highest-density region starts. A
 * calibrated posterior puts θ* inside the α-level region a fraction α of the time: the curve follows the diagonal.
 */

export interface CoverageCurve {
  /** Credibility levels α. */
  levels: number[];
  /** Fraction of pairs whose θ* lies inside the α-level highest-density region. */
  coverage: number[];
  /** Largest |coverage − α|. */
  maxDeviation: number;
}

/** For one pair: fraction of posterior samples whose log-density exceeds θ*'s. */
export function hpdLevel(logProbTruth: number, logProbSamples: ArrayLike<number>): number {
  let above = 0;
  for (let i = 0; i < logProbSamples.length; i++) if (logProbSamples[i] > logProbTruth) above++;
  return above / logProbSamples.length;
}

export function expectedCoverage(levelsOfTruth: ArrayLike<number>, points = 21): CoverageCurve {
  const n = levelsOfTruth.length;
  if (n === 0) throw new Error("expected coverage needs at least one pair");
  const levels = Array.from({ length: points }, (_, k) => k / (points - 1));
  const coverage = levels.map((alpha) => {
    let inside = 0;
    for (let i = 0; i < n; i++) if (levelsOfTruth[i] < alpha || (alpha === 1 && levelsOfTruth[i] <= 1)) inside++;
    return inside / n;
  });
  const maxDeviation = Math.max(...coverage.map((c, k) => Math.abs(c - levels[k])));
  return { levels, coverage, maxDeviation };
}
