/**
 * Flow training speed: epochs per second of MAF and NSF (sbi's defaults: 5 transforms, 50 hidden) on gaussian_linear
 * pairs (θ and x of 10), on the fused WebGPU path and with tfjs on wasm, one after the other on the same machine,
 * and the fused path's dispatches per training step at each batch size. An epoch is the trainer's: one pass of Adam
 * steps over the training rows plus the validation loss. Each case times one epoch, after a one-epoch warm-up on a
 * small set (pipelines compiled, wasm loaded): the speed of an epoch, not a training to convergence, so the default
 * grid (10⁴ and 10⁵ pairs, batches of 200, 1,000 and 10,000) stays within minutes on two cores.
 */
import * as tf from "@tensorflow/tfjs";
import {
  ConditionalFlow,
  DEFAULT_TRAINING,
  type EngineFactory,
  flowConfig,
  type FlowKind,
  gaussianLinear,
  GpuFlow,
  type GpuRuntime,
  simulateTask,
  trainNpe,
  useBackend,
  webgpuEngine,
} from "../mod.ts";
import type { BenchRow } from "./report.ts";

export interface TrainBenchOptions {
  pairs: number[];
  batches: number[];
  kinds: FlowKind[];
  paths: ("webgpu" | "wasm")[];
}

export const TRAIN_BENCH_DEFAULTS: TrainBenchOptions = {
  pairs: [10_000, 100_000],
  batches: [200, 1_000, 10_000],
  kinds: ["maf", "nsf"],
  paths: ["webgpu", "wasm"],
};

export async function benchTraining(
  runtime: GpuRuntime,
  options: TrainBenchOptions = TRAIN_BENCH_DEFAULTS,
): Promise<BenchRow[]> {
  await useBackend("wasm");
  const rows: BenchRow[] = [];
  const gpu = webgpuEngine(runtime);
  for (const kind of options.kinds) {
    for (const batchSize of options.batches) {
      const count = await unlessTooLarge(() => dispatches(runtime, kind, batchSize));
      rows.push({
        benchmark: `${kind} training`,
        size: `dispatches per step, batch ${batchSize.toLocaleString("en-US")}`,
        ...(typeof count === "number" ? { value: count, unit: "" } : count),
      });
    }
    for (const pairs of options.pairs) {
      const data = simulateTask(gaussianLinear, pairs, 1);
      for (const batchSize of options.batches) {
        for (const path of options.paths) {
          const engine = path === "webgpu" ? gpu : undefined;
          const seconds = await unlessTooLarge(() => epochSeconds(data, kind, batchSize, engine));
          const measured = typeof seconds === "number";
          console.error(
            `${kind} ${pairs} pairs batch ${batchSize} ${path}: ` +
              (measured ? `${seconds.toFixed(2)} s per epoch` : seconds.unit),
          );
          rows.push({
            benchmark: `${kind} training, ${path}`,
            size: `${pairs.toLocaleString("en-US")} pairs, batch ${batchSize.toLocaleString("en-US")}`,
            ...(measured ? { value: 1 / seconds, unit: "epochs/s" } : seconds),
          });
        }
      }
    }
  }
  return rows;
}

/**
 * `measure()`, or a row's value and unit saying why not when the fused path cannot hold the batch on this adapter (a
 * step over its storage binding or workgroup limits; a software adapter's binding holds NSF's batch of 10,000 only
 * partly).
 */
async function unlessTooLarge(measure: () => Promise<number>): Promise<number | { value: number; unit: string }> {
  try {
    return await measure();
  } catch (error) {
    if (!(error instanceof RangeError) || !/use a smaller batch/.test(error.message)) throw error;
    return { value: NaN, unit: `(not run: ${error.message})` };
  }
}

async function epochSeconds(
  data: ReturnType<typeof simulateTask>,
  kind: FlowKind,
  batchSize: number,
  engine: EngineFactory | undefined,
): Promise<number> {
  const config = flowConfig(kind, data.thetaDim, data.xDim, { seed: 0 });
  const options = { ...DEFAULT_TRAINING, batchSize, maxEpochs: 1 };
  const warm = await trainNpe({ ...data, rows: Math.min(data.rows, 2 * batchSize + 10) }, config, options, { engine });
  warm.flow.dispose();
  const result = await trainNpe(data, config, options, { engine });
  result.flow.dispose();
  return result.history[0].seconds;
}

async function dispatches(runtime: GpuRuntime, kind: FlowKind, batchSize: number): Promise<number> {
  const standardization = {
    thetaMean: Array(10).fill(0),
    thetaStd: Array(10).fill(1),
    xMean: Array(10).fill(0),
    xStd: Array(10).fill(1),
  };
  const flow = new ConditionalFlow(flowConfig(kind, 10, 10), standardization);
  const gpu = await GpuFlow.create(runtime, flow, batchSize);
  const count = gpu.dispatchesPerStep(batchSize);
  gpu.destroy();
  flow.dispose();
  tf.disposeVariables();
  return count;
}
