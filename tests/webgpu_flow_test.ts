/**
 * The WebGPU flow path against the tfjs flow (the independent reference): same weights, same batch → the same loss,
 * every parameter's gradient, log-probabilities and samples, within float32 tolerances stated per test.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ConditionalFlow, type FlowConfig, flowConfig, type FlowKind, setFlowAccelerator } from "../lib/flows/flow.ts";
import { webgpuAccelerator } from "../lib/flows/webgpu/accelerator.ts";
import { GpuFlow } from "../lib/flows/webgpu/gpu_flow.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { seededUniform } from "../lib/random.ts";
import { normalMatrix, seededNormal } from "../lib/stats/normal.ts";
import { npeLoss } from "../lib/train/loss.ts";
import { useBackend } from "../lib/tf/backend.ts";

await useBackend("cpu");
const runtime = await GpuRuntime.acquire({ notice: () => {} });

/** A flow with weights moved off their initialisation (so every path of the gradient is exercised). */
async function perturbedFlow(
  overrides: Partial<FlowConfig>,
  thetaDim = 3,
  xDim = 4,
  kind: FlowKind = "maf",
): Promise<ConditionalFlow> {
  const config = flowConfig(kind, thetaDim, xDim, { hiddenFeatures: 20, numTransforms: 3, seed: 5, ...overrides });
  const flow = new ConditionalFlow(config, {
    thetaMean: Array.from({ length: thetaDim }, (_, j) => 0.3 * j),
    thetaStd: Array.from({ length: thetaDim }, (_, j) => 1 + 0.5 * j),
    xMean: Array.from({ length: xDim }, (_, j) => -0.2 * j),
    xStd: Array.from({ length: xDim }, (_, j) => 0.5 + j),
  });
  const normal = seededNormal(seededUniform(11));
  const arrays = await flow.parameters.read();
  flow.parameters.assign(arrays.map((a) => ({ ...a, data: a.data.map((v) => v + 0.2 * normal()) })));
  return flow;
}

function batch(rows: number, thetaDim: number, xDim: number, seed: number) {
  const normal = seededNormal(seededUniform(seed));
  return { theta: normalMatrix(rows, thetaDim, normal), x: normalMatrix(rows, xDim, normal), rows };
}

/** max |a - b| over max |b| (the reference's scale), per array. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 1e-12;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

async function tfjsGradients(flow: ConditionalFlow, theta: Float32Array, x: Float32Array, rows: number) {
  const { thetaDim, xDim } = flow.config;
  const t = tf.tensor2d(theta, [rows, thetaDim]), xs = tf.tensor2d(x, [rows, xDim]);
  const variables = flow.parameters.variables;
  const { value, grads } = tf.variableGrads(() => npeLoss(flow, t, xs), variables);
  const names = (await flow.parameters.read()).map((a) => a.name);
  const out = new Map<string, Float32Array>();
  variables.forEach((v, i) => out.set(names[i], new Float32Array(grads[v.name].dataSync())));
  const loss = value.dataSync()[0];
  tf.dispose([t, xs, value, grads]);
  return { loss, grads: out };
}

/** Float32 sums over a batch of 37 rows reorder freely: 2·10⁻⁴ of each gradient's largest entry. */
const GRADIENT_TOLERANCE = 2e-4;

async function assertGradientsMatch(flow: ConditionalFlow, rows: number, rowsCap = 64, tileRows?: number) {
  const { thetaDim, xDim } = flow.config;
  const data = batch(rows, thetaDim, xDim, 21);
  // A few rows far out, beyond the splines' interval (their identity tails).
  for (let i = 0; i < 3 * thetaDim; i++) data.theta[i] *= 6;
  const reference = await tfjsGradients(flow, data.theta, data.x, rows);
  const gpu = await GpuFlow.create(runtime, flow, rowsCap, {}, {}, tileRows);
  try {
    gpu.setDataset("batch", data);
    const order = Array.from({ length: rows }, (_, i) => rows - 1 - i);
    const { loss, grads } = await gpu.lossAndGradients("batch", order);
    assert.ok(
      Math.abs(loss - reference.loss) <= 1e-5 * Math.max(1, Math.abs(reference.loss)),
      `loss ${loss} vs ${reference.loss}`,
    );
    assert.equal(grads.length, reference.grads.size);
    for (const { name, data: g } of grads) {
      const want = reference.grads.get(name)!;
      const error = relativeError(g, want);
      assert.ok(error <= GRADIENT_TOLERANCE, `${name}: relative error ${error.toExponential(2)}`);
      // Only a one-dimensional θ's MADE input layer is masked away entirely.
      const masked = thetaDim === 1 && name.endsWith(".input.weight");
      assert.equal(
        want.some((v) => v !== 0),
        !masked,
        `${name}: the reference gradient is ${masked ? "not " : ""}zero`,
      );
    }
  } finally {
    gpu.destroy();
  }
}

Deno.test("webgpu flow: MAF loss and every parameter's gradient match tf.grad on the tfjs flow", async () => {
  const flow = await perturbedFlow({});
  await assertGradientsMatch(flow, 37);
  flow.dispose();
});

Deno.test("webgpu flow: MAF with an embedding net and one-dimensional θ match tf.grad", async () => {
  const withEmbedding = await perturbedFlow({ embedding: { hidden: 12, outFeatures: 5 }, numBlocks: 1 }, 2, 7);
  await assertGradientsMatch(withEmbedding, 50);
  withEmbedding.dispose();
  const oneDim = await perturbedFlow({ numBlocks: 3 }, 1, 3);
  await assertGradientsMatch(oneDim, 20);
  oneDim.dispose();
});

Deno.test("webgpu flow: NSF loss and every parameter's gradient match tf.grad on the tfjs flow", async () => {
  const flow = await perturbedFlow({}, 3, 4, "nsf");
  await assertGradientsMatch(flow, 37);
  flow.dispose();
});

Deno.test("webgpu flow: batches over 256 rows (weight gradients summed in row blocks) match tf.grad", async () => {
  for (const kind of ["maf", "nsf"] as const) {
    const flow = await perturbedFlow({ embedding: { hidden: 12, outFeatures: 5 }, numTransforms: 2 }, 3, 4, kind);
    await assertGradientsMatch(flow, 700, 1000);
    flow.dispose();
  }
});

Deno.test("webgpu flow: layers and batches cut across the dense kernels' tiles match tf.grad", async () => {
  // 50 hidden features end in a partial tile of 4 columns (2 of 4), 261 rows in a partial tile of rows and a
  // second row block of 5 rows; θ of 5 gives MAF heads of 10 and NSF splines of an odd width. Tiles of this
  // adapter's rows per thread, of one row (a GPU's) and of three.
  for (const kind of ["maf", "nsf"] as const) {
    const flow = await perturbedFlow({ hiddenFeatures: 50, numTransforms: 2 }, 5, 3, kind);
    for (const tileRows of [undefined, 1, 3]) await assertGradientsMatch(flow, 261, 300, tileRows);
    flow.dispose();
  }
});

Deno.test("webgpu flow: NSF with an embedding net and one-dimensional θ match tf.grad", async () => {
  const withEmbedding = await perturbedFlow({ embedding: { hidden: 12, outFeatures: 5 }, numBins: 5 }, 2, 7, "nsf");
  await assertGradientsMatch(withEmbedding, 50);
  withEmbedding.dispose();
  const oneDim = await perturbedFlow({ numBlocks: 1 }, 1, 3, "nsf");
  await assertGradientsMatch(oneDim, 20);
  oneDim.dispose();
});

for (const kind of ["maf", "nsf"] as const) {
  Deno.test(`webgpu flow: ${kind} samples match the tfjs flow's inverse on the same noise`, async () => {
    await assertSamplesMatch(await perturbedFlow({}, 3, 4, kind));
  });
}

async function assertSamplesMatch(flow: ConditionalFlow) {
  const { thetaDim, xDim } = flow.config;
  const gpu = await GpuFlow.create(runtime, flow, 64);
  try {
    const observation = batch(1, thetaDim, xDim, 8);
    gpu.setDataset("observation", observation, 100);
    const noise = normalMatrix(100, thetaDim, seededNormal(seededUniform(9)));
    const samples = await gpu.sample("observation", new Array(100).fill(0), noise);
    let i = 0;
    const replay = await flow.sample(100, observation.x, () => noise[i++]);
    assert.ok(relativeError(samples, replay) <= 1e-4, `relative error ${relativeError(samples, replay)}`);
  } finally {
    gpu.destroy();
    flow.dispose();
  }
}

Deno.test("webgpu flow: with the accelerator set, a flow's logProbRows and sample agree with tfjs's", async () => {
  const flow = await perturbedFlow({ embedding: { hidden: 10, outFeatures: 4 } });
  const { thetaDim, xDim } = flow.config;
  const rows = batch(230, thetaDim, xDim, 30);
  const observation = Array.from(rows.x.subarray(0, xDim));
  const draws = async () => await flow.sample(150, observation, seededNormal(seededUniform(4)));
  const [referenceLogProb, referenceDraws] = [await flow.logProbRows(rows.theta, rows.x), await draws()];
  setFlowAccelerator(webgpuAccelerator(runtime));
  try {
    const logProb = await flow.logProbRows(rows.theta, rows.x);
    assert.ok(relativeError(logProb, referenceLogProb) <= 1e-5, `log q: ${relativeError(logProb, referenceLogProb)}`);
    const gpuDraws = await draws();
    assert.ok(relativeError(gpuDraws, referenceDraws) <= 1e-4, `draws: ${relativeError(gpuDraws, referenceDraws)}`);
    // Calls in flight together (the server's requests) do not disturb each other.
    const other = batch(230, thetaDim, xDim, 31);
    const one = [await flow.logProbRows(rows.theta, rows.x), await flow.logProbRows(other.theta, other.x)];
    const together = await Promise.all([
      flow.logProbRows(rows.theta, rows.x),
      flow.logProbRows(other.theta, other.x),
      flow.sample(150, observation, seededNormal(seededUniform(4))),
    ]);
    assert.deepEqual(together, [...one, gpuDraws]);
    // New weights are seen by the next call.
    flow.parameters.assign((await flow.parameters.read()).map((a) => ({ ...a, data: a.data.map((v) => v * 0.9) })));
    const moved = await flow.logProbRows(rows.theta, rows.x);
    setFlowAccelerator(undefined);
    assert.ok(relativeError(moved, await flow.logProbRows(rows.theta, rows.x)) <= 1e-5);
  } finally {
    setFlowAccelerator(undefined);
    flow.dispose();
  }
});

Deno.test("webgpu flow: a dataset split over several storage bindings gives the same loss and gradients", async () => {
  const flow = await perturbedFlow({ numTransforms: 2 });
  const { thetaDim, xDim } = flow.config;
  const data = batch(100, thetaDim, xDim, 12);
  const order = Array.from({ length: 60 }, (_, i) => (i * 37) % 100);
  const whole = await GpuFlow.create(runtime, flow, 64);
  // 30 rows of x (4 floats each) per binding: four chunks.
  const split = await GpuFlow.create(runtime, flow, 64, {}, { datasetBindingBytes: 30 * 4 * 4 });
  try {
    whole.setDataset("d", data);
    split.setDataset("d", data);
    assert.equal(whole.chunksOf("d"), 1);
    assert.equal(split.chunksOf("d"), 4);
    const [a, b] = [await whole.lossAndGradients("d", order), await split.lossAndGradients("d", order)];
    assert.equal(b.loss, a.loss);
    assert.deepEqual(b.grads, a.grads);
    assert.equal(await split.meanLoss("d"), await whole.meanLoss("d"));
  } finally {
    whole.destroy();
    split.destroy();
    flow.dispose();
  }
});
