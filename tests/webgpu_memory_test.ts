/**
 * The fused WebGPU path holds its memory flat: training steps and sampling calls do not grow the process. Mesa's
 * software adapter once grew it by about 10 MB per step while the flow kernels read their arguments from uniforms.
 */
import assert from "node:assert/strict";
import { ConditionalFlow, flowConfig, type FlowKind } from "../lib/flows/flow.ts";
import { GpuFlow } from "../lib/flows/webgpu/gpu_flow.ts";
import { webgpuAccelerator } from "../lib/flows/webgpu/accelerator.ts";
import { GpuRuntime, GpuUnavailableError } from "../lib/gpu/runtime.ts";
import { FlowPipelines } from "../lib/flows/webgpu/pipelines.ts";
import { seededUniform } from "../lib/random.ts";
import { seededNormal } from "../lib/stats/normal.ts";
import { useBackend } from "../lib/tf/backend.ts";
import { epochShuffle } from "../lib/train/epoch_order.ts";

await useBackend("wasm");
const runtime = await GpuRuntime.acquire({ notice: () => {} });

const ROWS = 600, BATCH = 50, STEPS_PER_EPOCH = ROWS / BATCH;
/**
 * Bytes a step or call may add to the resident set. On the software adapter a step now adds 2–30 KiB (allocator and
 * JIT noise; 3 KiB per MAF step, 2 per NSF step, 29 per sampling call here), where the leak added 10 MiB per MAF
 * step, 3 MiB per NSF step and 19 MiB per sampling call: 512 KiB is 17× the largest and 6× below the smallest.
 */
const BYTES_PER_STEP = 512 * 1024;

function tinyFlow(kind: FlowKind): ConditionalFlow {
  const config = flowConfig(kind, 2, 3, { hiddenFeatures: 16, numTransforms: 2, seed: 2 });
  return new ConditionalFlow(config, { thetaMean: [0, 0], thetaStd: [1, 1], xMean: [0, 0, 0], xStd: [1, 1, 1] });
}

/** Resident-set growth per unit of `work` over `measured` calls, after `warmUp` calls (pipelines, staging, JIT). */
async function growthPerCall(work: (call: number) => Promise<unknown>, warmUp: number, measured: number) {
  for (let call = 0; call < warmUp; call++) await work(call);
  const before = Deno.memoryUsage().rss;
  for (let call = warmUp; call < warmUp + measured; call++) await work(call);
  return (Deno.memoryUsage().rss - before) / measured;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

for (const kind of ["maf", "nsf"] as const) {
  Deno.test(`webgpu memory: ${kind} training steps keep the process size flat`, async () => {
    const normal = seededNormal(seededUniform(3));
    const theta = Float32Array.from({ length: ROWS * 2 }, normal), x = Float32Array.from({ length: ROWS * 3 }, normal);
    const flow = tinyFlow(kind);
    const gpu = await GpuFlow.create(runtime, flow, BATCH);
    try {
      gpu.setDataset("train", { theta, x, rows: ROWS });
      const epochs = 20;
      const perEpoch = await growthPerCall(
        async (epoch) => assert.ok(Number.isFinite(await gpu.trainEpoch("train", epochShuffle(ROWS, 1, epoch), BATCH))),
        4,
        epochs,
      );
      const perStep = perEpoch / STEPS_PER_EPOCH;
      assert.ok(perStep < BYTES_PER_STEP, `${kib(perStep)} per step over ${epochs * STEPS_PER_EPOCH} steps`);
    } finally {
      gpu.destroy();
      flow.dispose();
    }
  });
}

Deno.test("webgpu memory: sampling through the accelerator keeps the process size flat", async () => {
  const flow = tinyFlow("maf");
  const accelerator = webgpuAccelerator(runtime);
  const normal = seededNormal(seededUniform(5));
  const draws = 200;
  const perCall = await growthPerCall(
    async () => {
      const theta = await accelerator.sample(flow, [0.1, -0.2, 0.3], Float32Array.from({ length: draws * 2 }, normal));
      assert.ok(theta.every(Number.isFinite));
    },
    5,
    40,
  );
  assert.ok(perCall < BYTES_PER_STEP, `${kib(perCall)} per call of ${draws} draws`);
  flow.dispose();
});

Deno.test("webgpu memory: an adapter without storage bindings for the arguments is a clear error", async () => {
  // A device made with WebGPU's default limits offers 8 storage buffers per stage; the flow kernels need 9.
  const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
  try {
    assert.equal(device.limits.maxStorageBuffersPerShaderStage, 8);
    const defaults = { device, adapterSummary: runtime.adapterSummary } as unknown as GpuRuntime;
    await assert.rejects(
      FlowPipelines.load(defaults),
      (e: Error) =>
        e instanceof GpuUnavailableError &&
        /maxStorageBuffersPerShaderStage = 8, the flow kernels need 9$/.test(e.message),
    );
  } finally {
    device.destroy();
  }
});
