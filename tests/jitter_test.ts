import assert from "node:assert/strict";
import { Prior } from "../lib/prior/prior.ts";
import { jitterTheta } from "../lib/train/jitter.ts";
import { flowPairs } from "../lib/train/pairs.ts";

// The hnn-rc prior: two log10-uniform weights on [1e-4, 1e-3] µS (one decade) and a latency on [-75, 75] ms.
const prior = new Prior([
  { name: "prox", low: 1e-4, high: 1e-3, scale: "log10" },
  { name: "dist", low: 1e-4, high: 1e-3, scale: "log10" },
  { name: "latency", low: -75, high: 75, scale: "linear" },
]);

Deno.test("θ jitter: sd 0.01 on the unit scale is 0.01 decade for log10 weights and 1.5 ms for the latency", () => {
  const n = 40_000;
  const theta = new Float32Array(n * 3).map((_, i) => [-3.5, -3.2, 10][i % 3]);
  const jittered = jitterTheta(theta, prior, 0.01, 3);
  const expectedSd = [0.01, 0.01, 1.5];
  for (let j = 0; j < 3; j++) {
    let sum = 0, sumSq = 0;
    for (let i = 0; i < n; i++) {
      const e = jittered[i * 3 + j] - theta[i * 3 + j];
      sum += e;
      sumSq += e * e;
    }
    const mean = sum / n, sd = Math.sqrt(sumSq / n - mean * mean);
    // Standard errors: sd/√n = 0.5% of sd for the mean, about 0.35% of sd for the sd; allow 4 of them.
    assert.ok(Math.abs(mean) < 4 * expectedSd[j] / Math.sqrt(n), `column ${j}: mean ${mean}`);
    assert.ok(Math.abs(sd / expectedSd[j] - 1) < 0.015, `column ${j}: sd ${sd}, expected ${expectedSd[j]}`);
  }
  assert.deepEqual(jitterTheta(theta, prior, 0.01, 3), jittered, "the same seed gives the same jitter");
});

Deno.test("θ jitter: zero leaves θ alone; bad sd, shape or prior is a clear error", () => {
  const theta = Float32Array.from([-3.5, -3.2, 10]);
  assert.equal(jitterTheta(theta, prior, 0, 1), theta);
  assert.throws(() => jitterTheta(theta, prior, -0.1, 1), /finite sd ≥ 0/);
  assert.throws(() => jitterTheta(theta, prior, NaN, 1), /finite sd ≥ 0/);
  assert.throws(() => jitterTheta(theta.subarray(0, 2), prior, 0.01, 1), /not a multiple of its 3/);
  assert.throws(
    () =>
      jitterTheta(
        theta,
        new Prior(["a", "b", "c"].map((name) => ({ name, mean: 0, variance: 1, scale: "linear" }))),
        0.01,
        1,
      ),
    /box prior/,
  );
});

Deno.test("flow pairs: θ in the prior's units becomes its flow coordinates, jittered as jitterTheta does", () => {
  const theta = Float32Array.from([1e-4, 1e-3, 10, 3e-4, 5e-4, -20]);
  const x = Float32Array.from([1, 2, 3, 4]);
  const plain = flowPairs(prior, theta, x, 2);
  assert.deepEqual(plain, { theta: prior.toFlow(theta), x, rows: 2, thetaDim: 3, xDim: 2 });
  assert.ok(Math.abs(plain.theta[0] + 4) < 1e-6 && Math.abs(plain.theta[1] + 3) < 1e-6 && plain.theta[2] === 10);
  const jittered = flowPairs(prior, theta, x, 2, { sd: 0.01, seed: 4 });
  assert.deepEqual(jittered.theta, jitterTheta(prior.toFlow(theta), prior, 0.01, 4));
  assert.throws(() => flowPairs(prior, theta, x.subarray(1), 2), /not rows of 3 and 2/);
});
