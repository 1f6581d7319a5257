/**
 * The WebGPU training engine: the training and validation pairs are uploaded once, each epoch uploads only its
 * row order (the same seeded order as the tfjs path) and runs one submission per minibatch; only the epoch's
 * losses come back, and weights when the loop asks for a snapshot or a checkpoint.
 */
import { GpuFlow } from "../../flows/webgpu/gpu_flow.ts";
import type { GpuRuntime } from "../../gpu/runtime.ts";
import type { EngineFactory } from "../engine.ts";
import { epochOrder } from "../pairs.ts";

export function webgpuEngine(runtime: GpuRuntime): EngineFactory {
  return {
    name: "webgpu",
    create: async (flow, train, validation, options) => {
      // A batch larger than the data is the whole data, as on the tfjs path.
      const rowsCap = Math.min(options.batchSize, Math.max(train.rows, validation.rows));
      const gpu = await GpuFlow.create(runtime, flow, rowsCap, {
        learningRate: options.learningRate,
        clipMaxNorm: options.clipMaxNorm,
      });
      try {
        gpu.setDataset("train", train);
        gpu.setDataset("validation", validation);
      } catch (error) {
        gpu.destroy();
        throw error;
      }
      return {
        trainEpoch: (epoch) => gpu.trainEpoch("train", epochOrder(train.rows, options.seed, epoch), options.batchSize),
        validationLoss: () => gpu.meanLoss("validation"),
        readWeights: () => gpu.readWeights(),
        assignWeights: (weights) => gpu.writeWeights(weights),
        readOptimizer: () => gpu.readOptimizer(),
        restoreOptimizer: (state) => Promise.resolve(gpu.restoreOptimizer(state)),
        dispose: () => gpu.destroy(),
      };
    },
  };
}
