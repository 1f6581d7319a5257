import assert from "node:assert/strict";
import { Prior } from "../lib/prior/prior.ts";
import { seededUniform } from "../lib/random.ts";

const prior = new Prior([
  { name: "w", low: 1e-5, high: 10, scale: "log10", unit: "µS" },
  { name: "lat", low: -75, high: 75, scale: "linear", unit: "ms" },
]);

Deno.test("prior: unit cube maps to bounds on linear and log10 scales", () => {
  const values = prior.fromUnit([0, 0, 1, 1, 0.5, 0.5]);
  const expected = [1e-5, -75, 10, 75, Math.sqrt(1e-5 * 10), 0];
  values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i]))));
});

Deno.test("prior: toUnit inverts fromUnit (relative error 1e-12)", () => {
  const unit = Array.from({ length: 200 }, (_, i) => (i * 0.37) % 1);
  const back = prior.toUnit(prior.fromUnit(unit));
  back.forEach((u, i) => assert.ok(Math.abs(u - unit[i]) < 1e-12, `${u} vs ${unit[i]}`));
});

Deno.test("prior: samples are uniform on the unit scale and reproducible per seed", () => {
  const n = 20000;
  const draws = prior.sample(n, seededUniform(3));
  assert.deepEqual(draws, prior.sample(n, seededUniform(3)));
  assert.notDeepEqual(draws, prior.sample(n, seededUniform(4)));
  const unit = prior.toUnit(draws);
  for (let j = 0; j < 2; j++) {
    let mean = 0, below = 0;
    for (let i = 0; i < n; i++) {
      mean += unit[2 * i + j] / n;
      if (unit[2 * i + j] < 0.25) below++;
    }
    // Standard error of a uniform mean at n = 20000 is 0.002; allow 5σ.
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(below / n - 0.25) < 0.016, `quartile ${below / n}`);
  }
  prior.assertInSupport(draws);
});

Deno.test("prior: support check names the row and parameter", () => {
  assert.throws(() => prior.assertInSupport([1, 0, 20, 0]), /row 2: w = 20 lies outside the prior \[0.00001, 10\]/);
  assert.throws(() => prior.assertInSupport([1, NaN]), /row 1: lat is NaN/);
  assert.throws(() => prior.assertInSupport([1, 0, 1]), /rows of 2 values/);
});

Deno.test("prior: malformed declarations are refused", () => {
  assert.throws(() => new Prior([]), /at least one parameter/);
  assert.throws(() => new Prior([{ name: "a", low: 1, high: 1, scale: "linear" }]), /low < high/);
  assert.throws(() => new Prior([{ name: "a", low: 0, high: 1, scale: "log10" }]), /positive bounds/);
  assert.throws(
    () => new Prior([{ name: "a", low: 0, high: 1, scale: "linear" }, { name: "a", low: 0, high: 1, scale: "linear" }]),
    /declared twice/,
  );
  assert.throws(() => prior.sample(0, seededUniform(1)), /positive integer/);
});
