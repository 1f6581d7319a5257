import assert from "node:assert/strict";
import { ecdfBand, ecdfDifference, marginalCoverage } from "../lib/diagnostics/sbc_ecdf.ts";
import { seededUniform } from "../lib/random.ts";

const PAIRS = 200, SAMPLES = 100;

/** Uniform ranks on 0..SAMPLES from an independent stream. */
function uniformRanks(uniform: () => number, n = PAIRS): number[] {
  return Array.from({ length: n }, () => Math.floor(uniform() * (SAMPLES + 1)));
}

function inside(ranks: number[], band: ReturnType<typeof ecdfBand>): boolean {
  return ecdfDifference(ranks, SAMPLES, band.z).every((d, k) => {
    const f = d + band.expected[k];
    return f >= band.lower[k] - 1e-12 && f <= band.upper[k] + 1e-12;
  });
}

Deno.test("SBC ECDF: calibrated ranks stay inside the simultaneous 99% band 99% of the time", () => {
  const band = ecdfBand(PAIRS, SAMPLES);
  assert.equal(band.probability, 0.99);
  const uniform = seededUniform(2024);
  let kept = 0;
  const trials = 2000;
  for (let m = 0; m < trials; m++) if (inside(uniformRanks(uniform), band)) kept++;
  // 0.99 ± 3 binomial standard errors of 2000 trials (0.0022), widened for the band's own simulation error.
  assert.ok(kept / trials > 0.975 && kept / trials < 0.999, `${kept} of ${trials} inside`);
  // A simultaneous band is wider than the pointwise 99% one: its pointwise level is much smaller than 0.01.
  assert.ok(band.gamma < 0.01 / 5, `γ = ${band.gamma}`);
});

/** P(X ≤ c) for X ~ Binomial(n, p), summing the pmf from its logarithm (independent of the library). */
function binomialCdfBySum(c: number, n: number, p: number): number {
  let logChoose = 0, sum = 0;
  for (let k = 0; k <= c; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    sum += Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p));
  }
  return sum;
}

Deno.test("SBC ECDF: band edges are binomial quantiles at the adjusted level, by direct summation", () => {
  const band = ecdfBand(PAIRS, SAMPLES);
  for (const k of [0, 10, 49, 98]) {
    const p = band.expected[k];
    const quantile = (q: number) => {
      let c = 0;
      while (c < PAIRS && binomialCdfBySum(c, PAIRS, p) < q) c++;
      return c / PAIRS;
    };
    assert.equal(band.lower[k], quantile(band.gamma / 2), `lower at z = ${band.z[k]}`);
    assert.equal(band.upper[k], quantile(1 - band.gamma / 2), `upper at z = ${band.z[k]}`);
  }
  // Ranks on 0..100 at z = 0.5: ranks 0..50 sit at or below (r + 0.5) / 101 ≤ 0.5, so the uniform CDF is 51/101.
  assert.equal(band.z[49], 0.5);
  assert.equal(band.expected[49], 51 / 101);
});

Deno.test("SBC ECDF: an overconfident posterior's ranks (piled at both ends) leave the band", () => {
  const band = ecdfBand(PAIRS, SAMPLES);
  const uniform = seededUniform(7);
  const ends = uniformRanks(uniform).map((r) => (r < 50 ? Math.floor(r / 3) : SAMPLES - Math.floor((SAMPLES - r) / 3)));
  assert.equal(inside(ends, band), false);
  const difference = ecdfDifference(ends, SAMPLES, band.z);
  assert.ok(difference[24] > 0.1 && difference[74] < -0.1, "∪-shaped ranks: ECDF above the diagonal, then below");
});

Deno.test("coverage per parameter: θ* inside the central interval when its rank sits in the middle share", () => {
  // Normalised ranks (r + 0.5) / 101: 0.00495, 0.5, 0.99505 for parameter 0; all 0.5 for parameter 1.
  const ranks = [0, 50, 50, 50, 100, 50];
  const coverage = marginalCoverage(ranks, 2, SAMPLES, [0.5, 0.99, 1]);
  assert.deepEqual(coverage[0], [1 / 3, 1 / 3, 1]);
  assert.deepEqual(coverage[1], [1, 1, 1]);
  const uniform = seededUniform(3);
  const calibrated = marginalCoverage(uniformRanks(uniform, 20000), 1, SAMPLES, [0.5, 0.9]);
  assert.ok(Math.abs(calibrated[0][0] - 0.5) < 0.02 && Math.abs(calibrated[0][1] - 0.9) < 0.01, `${calibrated[0]}`);
});
