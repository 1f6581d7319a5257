/**
 * Profile of the fused WebGPU training step against tfjs-wasm, for one flow and batch size:
 *
 *   deno run --allow-all bench/train_profile.ts [maf|nsf] [batch] [pairs]
 *
 * prints each kernel's time per step (every dispatch run alone, repeated in one submission), the dispatches per step,
 * the dense layers' floating-point operations per step and the GFLOP/s they reach, then one timed epoch of each path
 * (after a one-epoch warm-up) with its wall time, the process's CPU time and the busiest threads' CPU time (the
 * software adapter runs its workgroups on its own threads). On a shared machine the CPU times are the fair measure.
 * A thread's CPU time is read as the kernel last updated it (at most a scheduler tick behind), so at large batches,
 * where a kernel's repeats take long, trust the epoch lines over the per-kernel split.
 */
import * as tf from "@tensorflow/tfjs";
import {
  ConditionalFlow,
  DEFAULT_TRAINING,
  flowConfig,
  type FlowKind,
  gaussianLinear,
  GpuFlow,
  GpuRuntime,
  simulateTask,
  trainNpe,
  useBackend,
  webgpuEngine,
} from "../mod.ts";

const [kind = "maf", batchArg = "1000", pairsArg = "10000"] = Deno.args;
if (kind !== "maf" && kind !== "nsf") throw new Error(`flow ${kind}: maf or nsf`);
const batch = Number(batchArg), pairs = Number(pairsArg);
if (!(batch >= 1 && pairs >= batch)) throw new Error(`batch ${batchArg} and pairs ${pairsArg}: need 1 ≤ batch ≤ pairs`);

await useBackend("wasm");
const runtime = await GpuRuntime.acquire();
const data = simulateTask(gaussianLinear, pairs, 1);
const config = flowConfig(kind as FlowKind, data.thetaDim, data.xDim, { seed: 0 });
const standardization = {
  thetaMean: Array(data.thetaDim).fill(0),
  thetaStd: Array(data.thetaDim).fill(1),
  xMean: Array(data.xDim).fill(0),
  xStd: Array(data.xDim).fill(1),
};

/** Floating-point operations of the dense layers per row of a step: forward, input and weight gradients. */
async function denseFlopsPerRow(flow: ConditionalFlow): Promise<number> {
  const weights = await flow.parameters.read();
  // Every 2-D weight is a dense layer x W; an LU layer's lower factor stands for its d × d product.
  const layers = weights.filter((w) => w.shape.length === 2 && /\.(weight|lower)$/.test(w.name));
  return layers.reduce((sum, { shape: [inF, outF] }) => sum + 3 * 2 * inF * outF, 0);
}

/** CPU seconds of this process's threads by name and id, from /proc (nanoseconds in schedstat). */
function threadTimes(): Map<string, number> {
  const threads = new Map<string, number>();
  for (const entry of Deno.readDirSync("/proc/self/task")) {
    try {
      const name = Deno.readTextFileSync(`/proc/self/task/${entry.name}/comm`).trim();
      const nanoseconds = Number(Deno.readTextFileSync(`/proc/self/task/${entry.name}/schedstat`).split(" ")[0]);
      threads.set(`${name} ${entry.name}`, nanoseconds / 1e9);
    } catch {
      // The thread ended while we listed them.
    }
  }
  return threads;
}

/** CPU milliseconds of the whole process so far. */
function cpuMs(): number {
  return 1000 * [...threadTimes().values()].reduce((a, b) => a + b, 0);
}

// The kernels of one step.
const flow = new ConditionalFlow(config, standardization);
const flopsPerStep = batch * await denseFlopsPerRow(flow);
const gpu = await GpuFlow.create(runtime, flow, batch);
gpu.setDataset("pairs", data);
const repeats = 5;
const { syncMs, kernels } = await gpu.profileTrainStep("pairs", batch, repeats, cpuMs);
const byKernel = new Map<string, { dispatches: number; ms: number }>();
for (const { kernel, ms } of kernels) {
  const entry = byKernel.get(kernel) ?? { dispatches: 0, ms: 0 };
  entry.dispatches++;
  entry.ms += ms;
  byKernel.set(kernel, entry);
}
const stepMs = kernels.reduce((sum, k) => sum + k.ms, 0);
const denseMs = kernels.filter((k) => k.kernel.startsWith("flow_dense:")).reduce((sum, k) => sum + k.ms, 0);
console.log(`${kind}, batch ${batch}, ${runtime.adapterSummary.description}`);
console.log(
  `CPU time of the process: read-back alone ${syncMs.toFixed(1)} ms; each kernel ${repeats}× in one submission:`,
);
console.log("kernel                               dispatches  CPU ms/step  share");
for (const [kernel, { dispatches, ms }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
  const share = (100 * ms / stepMs).toFixed(0).padStart(4);
  console.log(`${kernel.padEnd(36)} ${String(dispatches).padStart(10)} ${ms.toFixed(1).padStart(12)}  ${share}%`);
}
console.log(`step: ${kernels.length} dispatches, ${stepMs.toFixed(0)} CPU ms of kernels`);
console.log(
  `dense layers: ${(flopsPerStep / 1e6).toFixed(0)} MFLOP per step in ${denseMs.toFixed(0)} CPU ms: ` +
    `${(flopsPerStep / denseMs / 1e6).toFixed(2)} GFLOP per CPU second`,
);
gpu.destroy();
flow.dispose();
tf.disposeVariables();

// One epoch of each path (the trainer's: Adam steps over the training rows, then the validation loss).
const options = { ...DEFAULT_TRAINING, batchSize: batch, maxEpochs: 1 };
const steps = Math.ceil(pairs * (1 - DEFAULT_TRAINING.validationFraction) / batch);
for (const [path, engine] of [["webgpu", webgpuEngine(runtime)], ["wasm", undefined]] as const) {
  const warm = await trainNpe({ ...data, rows: Math.min(pairs, 2 * batch + 10) }, config, options, { engine });
  warm.flow.dispose();
  const before = threadTimes();
  const run = await trainNpe(data, config, options, { engine });
  const after = threadTimes();
  run.flow.dispose();
  const seconds = run.history[0].seconds;
  const used = [...after].map(([name, s]) => [name, s - (before.get(name) ?? 0)] as const);
  const cpu = used.reduce((sum, [, s]) => sum + s, 0);
  const busiest = used.filter(([, s]) => s >= 0.05).sort((a, b) => b[1] - a[1]).slice(0, 6)
    .map(([name, s]) => `${name} ${s.toFixed(2)} s`);
  console.log(
    `${path}: epoch ${seconds.toFixed(2)} s wall (${steps} steps, ${(1000 * seconds / steps).toFixed(0)} ms each), ` +
      `process CPU ${cpu.toFixed(2)} s (dense layers ${(flopsPerStep * steps / cpu / 1e9).toFixed(2)} GFLOP ` +
      `per CPU second, validation included); threads: ${busiest.join(", ")}`,
  );
}
runtime.destroy();
