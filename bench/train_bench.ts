/**
 * Flow training speed: epochs per second of MAF and NSF (sbi's defaults: 5 transforms, 50 hidden) on gaussian_linear
 * pairs (θ and x of 10), on the fused WebGPU path and with tfjs on wasm, one after the other on the same machine.
 * An epoch is the trainer's: one pass of Adam steps over the training rows plus the validation loss. The first
 * epoch of each run is timed after a one-epoch warm-up on a small set (pipelines compiled, wasm loaded).
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
    rows.push({
      benchmark: `${kind} training`,
      size: "dispatches per step",
      value: await dispatches(runtime, kind),
      unit: "",
    });
    for (const pairs of options.pairs) {
      const data = simulateTask(gaussianLinear, pairs, 1);
      for (const batchSize of options.batches) {
        for (const path of options.paths) {
          const engine = path === "webgpu" ? gpu : undefined;
          const seconds = await epochSeconds(data, kind, batchSize, engine);
          console.error(`${kind} ${pairs} pairs batch ${batchSize} ${path}: ${seconds.toFixed(2)} s per epoch`);
          rows.push({
            benchmark: `${kind} training, ${path}`,
            size: `${pairs.toLocaleString("en-US")} pairs, batch ${batchSize.toLocaleString("en-US")}`,
            value: 1 / seconds,
            unit: "epochs/s",
          });
        }
      }
    }
  }
  return rows;
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

async function dispatches(runtime: GpuRuntime, kind: FlowKind): Promise<number> {
  const standardization = {
    thetaMean: Array(10).fill(0),
    thetaStd: Array(10).fill(1),
    xMean: Array(10).fill(0),
    xStd: Array(10).fill(1),
  };
  const flow = new ConditionalFlow(flowConfig(kind, 10, 10), standardization);
  const gpu = await GpuFlow.create(runtime, flow, 16);
  const count = gpu.dispatchesPerStep;
  gpu.destroy();
  flow.dispose();
  tf.disposeVariables();
  return count;
}
