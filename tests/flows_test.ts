import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ConditionalFlow, flowConfig, type FlowKind } from "../lib/flows/flow.ts";
import { splineForward, splineInverse } from "../lib/flows/spline.ts";
import { seededUniform } from "../lib/random.ts";
import { seededNormal } from "../lib/stats/normal.ts";
import { useBackend } from "../lib/tf/backend.ts";

await useBackend("wasm");

/** A freshly initialised flow is near the identity; perturb its weights so the tests see a non-trivial density. */
async function randomFlow(kind: FlowKind, thetaDim: number, xDim: number, seed = 3): Promise<ConditionalFlow> {
  const flow = new ConditionalFlow(flowConfig(kind, thetaDim, xDim, { seed, hiddenFeatures: 16, numTransforms: 3 }), {
    thetaMean: Array(thetaDim).fill(0.5),
    thetaStd: Array(thetaDim).fill(1),
    xMean: Array(xDim).fill(0),
    xStd: Array(xDim).fill(1),
  });
  const normal = seededNormal(seededUniform(seed));
  const arrays = await flow.parameters.read();
  flow.parameters.assign(arrays.map((a) => ({ ...a, data: a.data.map((v) => v + 0.15 * normal()) })));
  return flow;
}

/** Riemann sum of exp(log q) over a grid of `points` per axis on [lo, hi]^dim, for one x. */
async function integrate(flow: ConditionalFlow, x: number[], lo: number, hi: number, points: number) {
  const dim = flow.config.thetaDim, step = (hi - lo) / points;
  const rows = points ** dim;
  const theta = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let j = 0, rest = r; j < dim; j++, rest = Math.floor(rest / points)) {
      theta[r * dim + j] = lo + ((rest % points) + 0.5) * step;
    }
  }
  const xs = new Float32Array(rows * x.length).map((_, i) => x[i % x.length]);
  const logq = await flow.logProbRows(theta, xs);
  let mass = 0;
  const mean = Array(dim).fill(0);
  logq.forEach((l, r) => {
    const w = Math.exp(l) * step ** dim;
    mass += w;
    for (let j = 0; j < dim; j++) mean[j] += w * theta[r * dim + j];
  });
  return { mass, mean: mean.map((m) => m / mass) };
}

for (const kind of ["maf", "nsf"] as const) {
  Deno.test(`${kind}: the density integrates to 1 in 1-D and 2-D (grid, |error| < 0.01)`, async () => {
    for (const dim of [1, 2]) {
      const flow = await randomFlow(kind, dim, 3);
      const { mass } = dim === 1
        ? await integrate(flow, [0.3, -1, 2], -80, 80, 8000)
        : await integrate(flow, [0.3, -1, 2], -15, 15, 500);
      assert.ok(Math.abs(mass - 1) < 0.01, `${dim}-D mass ${mass}`);
      flow.dispose();
    }
  });

  Deno.test(`${kind}: sample() follows logProb() (2-D sample mean vs the density's mean, < 0.05)`, async () => {
    const flow = await randomFlow(kind, 2, 3);
    const x = [0.3, -1, 2];
    const { mean } = await integrate(flow, x, -15, 15, 500);
    const samples = await flow.sample(40_000, x, seededNormal(seededUniform(11)));
    for (let j = 0; j < 2; j++) {
      let m = 0;
      for (let r = 0; r < 40_000; r++) m += samples[r * 2 + j] / 40_000;
      assert.ok(Math.abs(m - mean[j]) < 0.05, `column ${j}: sample mean ${m}, density mean ${mean[j]}`);
    }
    flow.dispose();
  });
}

Deno.test("spline: inverse(forward(x)) = x, identity tails, log-Jacobian matches finite differences (5e-3)", async () => {
  const normal = seededNormal(seededUniform(5));
  const rows = 64, k = 10, bound = 3;
  const params = {
    widths: tf.tensor3d(Array.from({ length: rows * k }, normal), [rows, 1, k]),
    heights: tf.tensor3d(Array.from({ length: rows * k }, normal), [rows, 1, k]),
    derivatives: tf.tensor3d(Array.from({ length: rows * (k - 1) }, normal), [rows, 1, k - 1]),
  };
  const xs = Array.from({ length: rows }, (_, i) => -4 + (8 * i) / (rows - 1));
  const x = tf.tensor2d(xs, [rows, 1]);
  const h = 1e-3;
  const { outputs, logAbsDet } = splineForward(x, params, { tailBound: bound });
  const up = splineForward(tf.add(x, h), params, { tailBound: bound }).outputs;
  const down = splineForward(tf.sub(x, h), params, { tailBound: bound }).outputs;
  const back = await splineInverse(outputs, params, { tailBound: bound }).data();
  const [y, lad, yUp, yDown] = await Promise.all([outputs.data(), logAbsDet.data(), up.data(), down.data()]);
  xs.forEach((xi, i) => {
    assert.ok(Math.abs(back[i] - xi) < 1e-4, `inverse at ${xi}: ${back[i]}`);
    if (Math.abs(xi) > bound) assert.equal(y[i], Math.fround(xi), "identity outside the tails");
    if (Math.abs(Math.abs(xi) - bound) < 2 * h) return; // the finite difference straddles the tail boundary
    const numeric = Math.log((yUp[i] - yDown[i]) / (2 * h));
    assert.ok(Math.abs(numeric - lad[i]) < 5e-3, `log|dy/dx| at ${xi}: ${lad[i]} vs ${numeric}`);
  });
});
