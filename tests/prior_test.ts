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

const mixed = new Prior([
  { name: "g", low: 1e-4, high: 1e-2, scale: "log10", unit: "µS" },
  { name: "m", mean: 2, variance: 0.25, scale: "linear", unit: "ms" },
  { name: "k", mean: -1, variance: 0.04, scale: "log10" },
]);

Deno.test("prior: the JSON form round-trips box and normal parameters on both scales", () => {
  const json = JSON.parse(JSON.stringify(mixed));
  assert.deepEqual(json, [
    { name: "g", low: 1e-4, high: 1e-2, scale: "log10", unit: "µS" },
    { name: "m", mean: 2, variance: 0.25, scale: "linear", unit: "ms" },
    { name: "k", mean: -1, variance: 0.04, scale: "log10" },
  ]);
  const back = Prior.fromJSON(json);
  assert.deepEqual(back.toJSON(), mixed.toJSON());
  assert.deepEqual(back.sample(50, seededUniform(9)), mixed.sample(50, seededUniform(9)));
  // Scale defaults to linear in JSON.
  assert.deepEqual(Prior.fromJSON([{ name: "a", low: 0, high: 1 }]).toJSON(), [
    { name: "a", low: 0, high: 1, scale: "linear" },
  ]);
});

Deno.test("prior: normal draws have the declared mean and variance on their scale (5σ)", () => {
  const n = 40_000;
  const draws = mixed.sample(n, seededUniform(11));
  const moments = (j: number, f: (v: number) => number) => {
    let sum = 0, sumSq = 0;
    for (let i = 0; i < n; i++) {
      const v = f(draws[3 * i + j]);
      sum += v;
      sumSq += v * v;
    }
    return { mean: sum / n, variance: sumSq / n - (sum / n) ** 2 };
  };
  for (const [j, mean, variance, f] of [[1, 2, 0.25, (v: number) => v], [2, -1, 0.04, Math.log10]] as const) {
    const m = moments(j, f);
    // Standard errors: sd/√n for the mean, variance·√(2/n) for the variance.
    assert.ok(Math.abs(m.mean - mean) < 5 * Math.sqrt(variance / n), `column ${j}: mean ${m.mean}`);
    assert.ok(Math.abs(m.variance - variance) < 5 * variance * Math.sqrt(2 / n), `column ${j}: var ${m.variance}`);
  }
  mixed.assertInSupport(draws);
  assert.throws(() => mixed.assertInSupport([1e-3, 0, -1]), /row 1: k = -1 is not positive/);
});

Deno.test("prior: flow coordinates, their bounds and the log10 map's Jacobian (against finite differences, 1e-6)", () => {
  assert.deepEqual(mixed.flowBounds(), { low: [-4, -Infinity, -Infinity], high: [-2, Infinity, Infinity] });
  const theta = [3e-3, 1.5, 0.2];
  assert.deepEqual(
    Array.from(mixed.toFlow(theta)),
    Array.from(Float32Array.of(Math.log10(3e-3), 1.5, Math.log10(0.2))),
  );
  assert.ok(mixed.inFlowSupport(mixed.toFlow(theta), 0));
  assert.ok(!mixed.inFlowSupport(mixed.toFlow([0.1, 1.5, 0.2]), 0), "0.1 µS lies above 1e-2");
  // log |d log10(θ)/dθ| per log10 parameter, by central differences.
  const h = 1e-7;
  const fd = [0, 2].reduce(
    (s, j) => s + Math.log((Math.log10(theta[j] * (1 + h)) - Math.log10(theta[j] * (1 - h))) / (2 * h * theta[j])),
    0,
  );
  assert.ok(
    Math.abs(mixed.logJacobian(theta, 0) - fd) < 1e-6 * Math.abs(fd),
    `${mixed.logJacobian(theta, 0)} vs ${fd}`,
  );
  assert.throws(() => mixed.toUnit([1e-3, 0, 1]), /m has a normal prior, not a box/);
});

Deno.test("prior: malformed JSON is one line naming the field", () => {
  const cases: [unknown, RegExp][] = [
    [[], /prior: a prior needs at least one parameter$/],
    [{ name: "a" }, /prior: /],
    [[{ name: "a", low: 0 }], /prior\[0\]\.high: missing$/],
    [[{ name: "a", low: 0, high: 1, mean: 0 }], /prior\[0\]: give either low and high .* or mean and variance/],
    [[{ name: "a" }], /prior\[0\]: give either/],
    [[{ name: "a", mean: 0, variance: 0 }], /prior\[0\]\.variance: a normal prior needs a finite variance > 0/],
    [[{ name: "a", low: 2, high: 1 }], /prior\[0\]\.low: bounds must be finite with low < high/],
    [[{ name: "a", low: -1, high: 1, scale: "log10" }], /prior\[0\]\.low: a log10 scale needs positive bounds/],
    [[{ name: "a", low: 0, high: 1, scale: "ln" }], /prior\[0\]\.scale: /],
    [[{ name: "a", low: 0, high: 1, lo: 0 }], /prior\[0\]: .*lo/],
    [[{ name: "a", low: 0, high: 1 }, { name: "a", mean: 0, variance: 1 }], /prior\[1\]\.name: a is declared twice$/],
  ];
  for (const [json, error] of cases) assert.throws(() => Prior.fromJSON(json), error, JSON.stringify(json));
  assert.throws(() => Prior.fromJSON([{ name: "a" }], "run/posterior.json: prior"), /run\/posterior.json: prior\[0\]/);
  assert.throws(() => new Prior([{ name: "a", mean: 0, variance: -1, scale: "linear" }]), /variance > 0/);
});

Deno.test("prior: around cuts each box to centre ± half-width of its range on its scale, clipped to the box", () => {
  // w: log10 range [-5, 1], centre 10^-2 (unit 0.5) ± 0.25 → 10^-3.5 to 10^-0.5; lat: centre 60 (unit 0.9) ± 0.25 of
  // its range 150 → 22.5 up to the bound 75.
  const cut = prior.around([1e-2, 60], 0.25);
  const [w, lat] = cut.box();
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${a} vs ${b}`);
  close(w.low, 10 ** -3.5);
  close(w.high, 10 ** -0.5);
  close(lat.low, 22.5);
  assert.equal(lat.high, 75);
  assert.deepEqual(cut.names, prior.names);
  assert.deepEqual([w.scale, w.unit, lat.scale, lat.unit], ["log10", "µS", "linear", "ms"]);
  assert.throws(() => prior.around([1e-2, 80], 0.1), /the centre: lat = 80 lies outside the prior \[-75, 75\]/);
  assert.throws(() => prior.around([1e-2, 0], 0), /half-width must lie in \(0, 0.5\], got 0/);
  assert.throws(() => prior.around([1e-2, 0], 0.6), /half-width must lie in \(0, 0.5\], got 0.6/);
  assert.throws(() => prior.around([1e-2, 0, 1], 0.1), /expected rows of 2 values|the centre has 3 values/);
});
