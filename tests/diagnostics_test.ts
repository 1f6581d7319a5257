import assert from "node:assert/strict";
import { expectedCoverage, hpdLevel } from "../lib/diagnostics/coverage.ts";
import { overlapCoefficient } from "../lib/diagnostics/overlap.ts";
import { predictiveRmse, recoveryError, unitGrid } from "../lib/diagnostics/recovery.ts";
import { sbcCheck, sbcRanks } from "../lib/diagnostics/sbc.ts";
import { seededUniform } from "../lib/random.ts";

/** Standard normal draws (Box–Muller) from a seeded stream. */
function normals(seed: number): () => number {
  const u = seededUniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * Conjugate Gaussian model: θ ~ N(0, 1), x | θ ~ N(θ, 1) ⇒ θ | x ~ N(x/2, 1/2). `shift` and `scale` distort the
 * posterior to make a biased or overconfident one.
 */
function gaussianPairs(n: number, m: number, shift = 0, scale = 1) {
  const z = normals(42);
  const truths = new Float64Array(n),
    samples: Float64Array[] = [],
    logProbTruth: number[] = [],
    logProbs: number[][] = [];
  const sd = Math.sqrt(0.5) * scale;
  const logp = (v: number, mean: number) => -0.5 * ((v - mean) / sd) ** 2;
  for (let i = 0; i < n; i++) {
    truths[i] = z();
    const x = truths[i] + z();
    const mean = x / 2 + shift;
    samples.push(Float64Array.from({ length: m }, () => mean + sd * z()));
    logProbTruth.push(logp(truths[i], mean));
    logProbs.push(Array.from(samples[i], (v) => logp(v, mean)));
  }
  return { truths, samples, logProbTruth, logProbs };
}

Deno.test("sbc: a correct posterior gives uniform ranks, a biased one is rejected (KS, α = 0.01)", () => {
  const good = gaussianPairs(1000, 100);
  const ok = sbcCheck(sbcRanks(good.truths, good.samples, 1), ["theta"], 100);
  assert.equal(ok.ks[0].rejected, false, `p = ${ok.ks[0].pValue}`);
  assert.equal(ok.histogram.counts[0].reduce((a, b) => a + b, 0), 1000);
  assert.ok(ok.histogram.band[0] < 1000 / ok.histogram.bins && ok.histogram.band[1] > 1000 / ok.histogram.bins);
  const biased = gaussianPairs(1000, 100, 0.3);
  const bad = sbcCheck(sbcRanks(biased.truths, biased.samples, 1), ["theta"], 100);
  assert.equal(bad.ks[0].rejected, true, `p = ${bad.ks[0].pValue}`);
  assert.ok(bad.ks[0].pValue < 1e-6);
});

Deno.test("sbc: ranks count the samples below the truth per parameter", () => {
  const ranks = sbcRanks(new Float64Array([0.5, 10]), [new Float64Array([0.1, 20, 0.7, 5, 0.4, 11])], 2);
  assert.deepEqual(Array.from(ranks), [2, 1]);
  assert.throws(() => sbcRanks(new Float64Array([1, 2]), [], 1), /expected 2 sample sets/);
});

Deno.test("coverage: calibrated posteriors follow the diagonal, overconfident ones fall below it", () => {
  const good = gaussianPairs(1000, 200);
  const curve = expectedCoverage(good.logProbTruth.map((l, i) => hpdLevel(l, good.logProbs[i])));
  // Binomial standard error at n = 1000 is ≤ 0.016; allow 4σ.
  assert.ok(curve.maxDeviation < 0.065, `max deviation ${curve.maxDeviation}`);
  assert.equal(curve.coverage[0], 0);
  assert.equal(curve.coverage.at(-1), 1);
  const narrow = gaussianPairs(1000, 200, 0, 0.5);
  const under = expectedCoverage(narrow.logProbTruth.map((l, i) => hpdLevel(l, narrow.logProbs[i])));
  const mid = under.levels.indexOf(0.5);
  assert.ok(under.coverage[mid] < 0.35, `coverage at 50%: ${under.coverage[mid]}`);
});

Deno.test("recovery error is W1 to the truth on the unit scale; predictive RMSE; the unit grid", () => {
  assert.deepEqual(recoveryError([0.5, 0.2, 0.5, 0.2], [0.5, 0.2]), [0, 0]);
  const err = recoveryError([0.4, 0, 0.6, 1], [0.5, 0.5]);
  assert.ok(Math.abs(err[0] - 0.1) < 1e-15 && Math.abs(err[1] - 0.5) < 1e-15);
  const rmse = predictiveRmse([1, 1, 1, 0, 0, 0], [1, 1, 1]);
  assert.deepEqual(rmse.perSimulation, [0, 1]);
  assert.equal(rmse.mean, 0.5);
  const grid = unitGrid(2, 10);
  assert.equal(grid.length, 200);
  assert.deepEqual(Array.from(grid.subarray(0, 4)), [0.05, 0.05, 0.05, 0.15]);
  assert.deepEqual(Array.from(grid.subarray(198)), [0.95, 0.95]);
});

Deno.test("overlap: identical ≈ 1, disjoint ≈ 0, N(0,1) vs N(1,1) = 2Φ(−1/2) = 0.617 (±0.03)", () => {
  const z = normals(7);
  const a = Array.from({ length: 4000 }, z), b = Array.from({ length: 4000 }, z);
  assert.ok(overlapCoefficient(a, b) > 0.95);
  assert.ok(overlapCoefficient(a, b.map((v) => v + 50)) < 1e-6);
  const ovl = overlapCoefficient(a, b.map((v) => v + 1));
  assert.ok(Math.abs(ovl - 0.6171) < 0.03, `OVL ${ovl}`);
});
