/** Training on the WebGPU path: the trainer's semantics (split, early stopping, checkpoints) with the fused kernels. */
import assert from "node:assert/strict";
import { ConditionalFlow, flowConfig, type FlowKind } from "../lib/flows/flow.ts";
import { GpuFlow } from "../lib/flows/webgpu/gpu_flow.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { seededUniform } from "../lib/random.ts";
import { seededNormal } from "../lib/stats/normal.ts";
import { useBackend } from "../lib/tf/backend.ts";
import { type Pairs } from "../lib/train/pairs.ts";
import { epochOrder, epochShuffle } from "../lib/train/epoch_order.ts";
import { DeviceShuffle } from "../lib/flows/webgpu/device_shuffle.ts";
import { DEFAULT_TRAINING, trainNpe } from "../lib/train/trainer.ts";
import { webgpuEngine } from "../lib/train/webgpu/engine.ts";

await useBackend("wasm");
const runtime = await GpuRuntime.acquire({ notice: () => {} });
const engine = webgpuEngine(runtime);

/** θ ~ N(0, I₂), x = θ + 0.3 ε plus a nuisance column: a posterior a flow learns within a few epochs. */
function gaussianPairs(rows: number, seed: number): Pairs {
  const normal = seededNormal(seededUniform(seed));
  const theta = new Float32Array(rows * 2), x = new Float32Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < 2; j++) {
      theta[r * 2 + j] = normal();
      x[r * 3 + j] = theta[r * 2 + j] + 0.3 * normal();
    }
    x[r * 3 + 2] = normal();
  }
  return { theta, x, rows, thetaDim: 2, xDim: 3 };
}

const options = { ...DEFAULT_TRAINING, batchSize: 50, maxEpochs: 6, learningRate: 3e-3, seed: 4 };
const config = (kind: FlowKind) => flowConfig(kind, 2, 3, { hiddenFeatures: 16, numTransforms: 2, seed: 2 });

for (const kind of ["maf", "nsf"] as const) {
  Deno.test(`webgpu training: a short ${kind} run reaches the tfjs run's losses from the same seed`, async () => {
    const data = gaussianPairs(600, 1);
    const reference = await trainNpe(data, config(kind), options);
    const gpu = await trainNpe(data, config(kind), options, { engine });
    assert.equal(gpu.epochs, reference.epochs);
    // Both learn (the first epoch ends near 3.2 nats), and float32 sums in another order move a 6-epoch run's
    // losses by about 10⁻⁵ nats: 0.005 leaves room for other adapters.
    assert.ok(reference.bestValidationLoss < 2.0, `tfjs validation loss ${reference.bestValidationLoss}`);
    gpu.history.forEach((h, i) => {
      const want = reference.history[i];
      assert.ok(
        Math.abs(h.trainLoss - want.trainLoss) < 0.005,
        `epoch ${h.epoch}: ${h.trainLoss} vs ${want.trainLoss}`,
      );
      assert.ok(Math.abs(h.validationLoss - want.validationLoss) < 0.005, `epoch ${h.epoch} validation`);
    });
    reference.flow.dispose();
    gpu.flow.dispose();
  });
}

Deno.test("webgpu training: equal seeds give identical losses and weights", async () => {
  const data = gaussianPairs(300, 2);
  const short = { ...options, maxEpochs: 3 };
  const a = await trainNpe(data, config("maf"), short, { engine });
  const b = await trainNpe(data, config("maf"), short, { engine });
  assert.deepEqual(
    a.history.map((h) => [h.trainLoss, h.validationLoss]),
    b.history.map((h) => [h.trainLoss, h.validationLoss]),
  );
  assert.deepEqual(await a.flow.parameters.read(), await b.flow.parameters.read());
  a.flow.dispose();
  b.flow.dispose();
});

Deno.test("epoch order: a seeded permutation of the rows, other for every epoch and seed, fixed for equal ones", () => {
  for (const rows of [1, 2, 3, 5, 16, 17, 300, 4097]) {
    const order = epochOrder(rows, 4, 0);
    assert.deepEqual(order.toSorted((a, b) => a - b), Array.from({ length: rows }, (_, i) => i), `${rows} rows`);
    assert.deepEqual(epochOrder(rows, 4, 0), order);
  }
  const base = epochOrder(300, 4, 0);
  for (const other of [epochOrder(300, 4, 1), epochOrder(300, 5, 0)]) {
    // Two independent permutations of 300 agree in about one place.
    assert.ok(other.filter((v, i) => v === base[i]).length < 10);
  }
  // Shuffled, not shifted: the mean |row - position| of a random permutation of n is (n² - 1) / 3n ≈ 100.
  const displacement = base.reduce((sum, v, i) => sum + Math.abs(v - i), 0) / 300;
  assert.ok(Math.abs(displacement - 100) < 15, `mean displacement ${displacement}`);
});

Deno.test("webgpu training: the device writes each epoch's order exactly as the host computes it", async () => {
  const shuffle = await DeviceShuffle.load(runtime);
  const buffer = runtime.storage(5000 * 4);
  try {
    for (const [rows, seed, epoch] of [[1, 0, 0], [2, 1, 3], [17, 4, 0], [300, 4, 7], [4097, 2 ** 20, 11]]) {
      shuffle.write(buffer, epochShuffle(rows, seed, epoch));
      const device = new Uint32Array(rows);
      await runtime.readInto(buffer, device);
      assert.deepEqual([...device], epochOrder(rows, seed, epoch), `${rows} rows, seed ${seed}, epoch ${epoch}`);
    }
    assert.throws(() => shuffle.write(buffer, epochShuffle(5001, 0, 0)), /5001 rows does not fit/);
  } finally {
    buffer.destroy();
    shuffle.destroy();
  }
});

Deno.test("webgpu training: pairs split over several storage bindings train to the same losses and weights", async () => {
  const data = gaussianPairs(300, 9);
  const short = { ...options, maxEpochs: 2 };
  const whole = await trainNpe(data, config("maf"), short, { engine });
  // 40 rows of x (3 floats each) per binding: the 270 training rows come in 7 chunks.
  const split = await trainNpe(data, config("maf"), short, {
    engine: webgpuEngine(runtime, { datasetBindingBytes: 40 * 3 * 4 }),
  });
  assert.deepEqual(
    split.history.map((h) => [h.trainLoss, h.validationLoss]),
    whole.history.map((h) => [h.trainLoss, h.validationLoss]),
  );
  assert.deepEqual(await split.flow.parameters.read(), await whole.flow.parameters.read());
  whole.flow.dispose();
  split.flow.dispose();
});

Deno.test("webgpu training: NaN rows are dropped and counted, a batch above the data size is the whole data", async () => {
  const data = gaussianPairs(40, 3);
  data.theta[5] = NaN;
  data.x[3 * 7 + 1] = Infinity;
  const messages: string[] = [];
  const result = await trainNpe(data, config("maf"), { ...options, batchSize: 500, maxEpochs: 2 }, {
    engine,
    log: (m) => messages.push(m),
  });
  assert.equal(result.droppedRows, 2);
  assert.ok(messages.some((m) => /dropped 2 of 40/.test(m)));
  assert.ok(result.history.every((h) => Number.isFinite(h.trainLoss) && Number.isFinite(h.validationLoss)));
  result.flow.dispose();
});

Deno.test("webgpu training: an interrupted run resumes from its checkpoint to the uninterrupted result", async () => {
  const data = gaussianPairs(300, 5);
  const dir = await Deno.makeTempDir();
  try {
    const checkpointPath = `${dir}/checkpoint.bin`;
    const whole = await trainNpe(data, config("maf"), { ...options, maxEpochs: 4 }, { engine });
    const first = await trainNpe(data, config("maf"), { ...options, maxEpochs: 2 }, { engine, checkpointPath });
    const resumed = await trainNpe(data, config("maf"), { ...options, maxEpochs: 4 }, { engine, checkpointPath });
    assert.equal(resumed.resumedAtEpoch, 2);
    assert.deepEqual(resumed.history.map((h) => h.validationLoss), whole.history.map((h) => h.validationLoss));
    assert.deepEqual(await resumed.flow.parameters.read(), await whole.flow.parameters.read());
    // A checkpoint of the tfjs path is another run's.
    await assert.rejects(
      trainNpe(data, config("maf"), { ...options, maxEpochs: 4 }, { checkpointPath }),
      /belongs to another run/,
    );
    for (const r of [whole, first, resumed]) r.flow.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("webgpu training: a device lost mid-run is a clear error, and the last checkpoint resumes", async () => {
  const data = gaussianPairs(300, 6);
  const dir = await Deno.makeTempDir();
  try {
    const checkpointPath = `${dir}/checkpoint.bin`;
    const doomed = await GpuRuntime.acquire({ notice: () => {} });
    await assert.rejects(
      trainNpe(data, config("maf"), { ...options, maxEpochs: 4 }, {
        engine: webgpuEngine(doomed),
        checkpointPath,
        onEpoch: (e) => e.epoch === 2 && doomed.destroy(),
      }),
      (error: Error) => {
        assert.match(
          error.message,
          /^the GPU device was lost \(.*\); the checkpoint after epoch 2 \(.*checkpoint\.bin\) resumes this run/,
        );
        assert.ok(!error.message.includes("\n"), "one line");
        return true;
      },
    );
    const whole = await trainNpe(data, config("maf"), { ...options, maxEpochs: 4 }, { engine });
    const resumed = await trainNpe(data, config("maf"), { ...options, maxEpochs: 4 }, { engine, checkpointPath });
    assert.equal(resumed.resumedAtEpoch, 2);
    assert.deepEqual(resumed.history.map((h) => h.validationLoss), whole.history.map((h) => h.validationLoss));
    whole.flow.dispose();
    resumed.flow.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("webgpu training: --backend webgpu makes the fused path trainNpe's default, wasm makes tfjs it again", async () => {
  const data = gaussianPairs(200, 7);
  const short = { ...options, maxEpochs: 2 };
  const explicit = await trainNpe(data, config("maf"), short, { engine });
  assert.equal(await useBackend("webgpu"), "webgpu");
  const chosen = await trainNpe(data, config("maf"), short);
  assert.equal(await useBackend("wasm"), "wasm");
  const tfjs = await trainNpe(data, config("maf"), short);
  assert.deepEqual(chosen.history.map((h) => h.validationLoss), explicit.history.map((h) => h.validationLoss));
  // The tfjs path sums in another order: close, not bit for bit.
  assert.notDeepEqual(tfjs.history.map((h) => h.validationLoss), explicit.history.map((h) => h.validationLoss));
  // auto: the fused path on a hardware GPU, wasm on the software adapter.
  assert.equal(await useBackend("auto"), runtime.adapterSummary.fallback ? "wasm" : "webgpu");
  await useBackend("wasm");
  for (const r of [explicit, chosen, tfjs]) r.flow.dispose();
});

Deno.test("webgpu training: a batch whose activations exceed one storage binding is a clear error", async () => {
  const flow = new ConditionalFlow(config("nsf"), {
    thetaMean: [0, 0],
    thetaStd: [1, 1],
    xMean: [0, 0, 0],
    xStd: [1, 1, 1],
  });
  // As if the adapter's bindings held 1 MiB: 5,000 rows of this flow's activations need more.
  await assert.rejects(
    GpuFlow.create(runtime, flow, 5000, {}, { bindingBytes: 2 ** 20 }),
    /needs \d+ MiB of activations, over this adapter's storage binding limit of 1 MiB/,
  );
  const fits = await GpuFlow.create(runtime, flow, 100, {}, { bindingBytes: 2 ** 20 });
  fits.destroy();
  flow.dispose();
});

Deno.test("webgpu training: a step needing more workgroups than the adapter allows is a clear error", async () => {
  const flow = new ConditionalFlow(flowConfig("maf", 2, 3, { hiddenFeatures: 8, numTransforms: 1 }), {
    thetaMean: [0, 0],
    thetaStd: [1, 1],
    xMean: [0, 0, 0],
    xStd: [1, 1, 1],
  });
  // Rows enough for one workgroup of 64 more than the adapter allows in the kernels of one thread per row (the dense
  // layers' tiles cover several rows each).
  const limit = runtime.device.limits.maxComputeWorkgroupsPerDimension;
  const rows = (limit + 1) * 64;
  await assert.rejects(GpuFlow.create(runtime, flow, rows), /workgroups for \d+ rows, over this adapter's \d+/);
  flow.dispose();
});

Deno.test("webgpu training: an NSF of more bins than the spline kernels hold is a clear error", async () => {
  const data = gaussianPairs(100, 8);
  await assert.rejects(
    trainNpe(data, flowConfig("nsf", 2, 3, { hiddenFeatures: 8, numTransforms: 1, numBins: 65 }), options, { engine }),
    /the WebGPU spline takes 2 to 64 bins, not 65/,
  );
});
