import assert from "node:assert/strict";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { seededUniform } from "../lib/random.ts";
import { fitPca, transformPca } from "../lib/stats/pca.ts";

const runtime = await GpuRuntime.acquire({ notice: () => {} });

/** Waveforms of t samples made of 3 known orthonormal shapes with standard deviations 3, 2, 1, plus a mean. */
function synthetic(n: number, t: number) {
  const u = seededUniform(9);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const raw = [0, 1, 2].map((j) =>
    Float64Array.from({ length: t }, (_, c) => Math.sin(((j + 1) * Math.PI * (c + 0.5)) / t))
  );
  const shapes = raw.map((s) => s.map((v) => v / Math.hypot(...s)));
  const mean = Float64Array.from({ length: t }, (_, c) => 0.5 * Math.cos(c / 7));
  const sd = [3, 2, 1];
  const scores = Array.from({ length: n }, () => sd.map((s) => s * gauss()));
  const x = new Float32Array(n * t);
  scores.forEach((z, i) => {
    for (let c = 0; c < t; c++) {
      x[i * t + c] = mean[c] + z[0] * shapes[0][c] + z[1] * shapes[1][c] + z[2] * shapes[2][c];
    }
  });
  return { x, shapes, scores, mean };
}

Deno.test("pca: recovers known components and variances (|cos| > 0.9999, variance within 10%)", async () => {
  const t = 120, n = 3000;
  const { x, shapes } = synthetic(n, t);
  const model = await fitPca(runtime, x, t, 3);
  model.components.forEach((v, j) => {
    const cos = Math.abs(v.reduce((s, e, c) => s + e * shapes[j][c], 0));
    assert.ok(cos > 0.9999, `component ${j}: |cos| = ${cos}`);
  });
  [9, 4, 1].forEach((v, j) => assert.ok(Math.abs(model.explainedVariance[j] / v - 1) < 0.1, `variance ${j}`));
});

Deno.test("pca: GPU projections equal float64 ones and rank-3 data is reconstructed (rel. 1e-4)", async () => {
  const t = 64, n = 2000;
  const { x } = synthetic(n, t);
  const model = await fitPca(runtime, x, t, 3, { maxRows: 500 });
  const z = await transformPca(runtime, model, x);
  const range = 6; // |score| stays below ~4σ = 12 for σ = 3; compare errors against a fixed scale of 6
  let projection = 0, reconstruction = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) {
      let exact = 0;
      for (let c = 0; c < t; c++) exact += (x[i * t + c] - model.mean[c]) * model.components[j][c];
      projection = Math.max(projection, Math.abs(z[i * 3 + j] - exact) / range);
    }
    for (let c = 0; c < t; c++) {
      let back = model.mean[c];
      for (let j = 0; j < 3; j++) back += z[i * 3 + j] * model.components[j][c];
      reconstruction = Math.max(reconstruction, Math.abs(back - x[i * t + c]) / range);
    }
  }
  assert.ok(projection < 1e-5, `projection error ${projection}`);
  assert.ok(reconstruction < 1e-4, `reconstruction error ${reconstruction}`);
});

Deno.test("pca: bad component counts and shapes are refused", async () => {
  await assert.rejects(fitPca(runtime, new Float32Array(10), 5, 3), /integer in \[1, 2\]/);
  await assert.rejects(fitPca(runtime, new Float32Array(7), 5, 1), /at least 2 rows/);
});
