/**
 * The WebGPU training engine: the training and validation pairs are uploaded once, each epoch's row order (the same
 * seeded permutation as the tfjs path) is generated on the device and each minibatch is one submission that gathers
 * its rows by that order; only the epoch's losses come back, and weights when the loop asks for a snapshot or a
 * checkpoint.
 */
import { type BindingLimits, GpuFlow } from "../../flows/webgpu/gpu_flow.ts";
import type { GpuRuntime } from "../../gpu/runtime.ts";
import type { EngineFactory } from "../engine.ts";
import { epochShuffle } from "../epoch_order.ts";

/** `limits` holds storage bindings below the adapter's (datasets larger than one binding are split in chunks). */
export function webgpuEngine(runtime: GpuRuntime, limits: BindingLimits = {}): EngineFactory {
  return {
    name: "webgpu",
    create: async (flow, train, validation, options) => {
      // A batch larger than the data is the whole data, as on the tfjs path.
      const rowsCap = Math.min(options.batchSize, Math.max(train.rows, validation.rows));
      const gpu = await GpuFlow.create(runtime, flow, rowsCap, {
        learningRate: options.learningRate,
        clipMaxNorm: options.clipMaxNorm,
      }, limits);
      try {
        gpu.setDataset("train", train);
        gpu.setDataset("validation", validation);
      } catch (error) {
        gpu.destroy();
        throw error;
      }
      return {
        trainEpoch: (epoch) =>
          gpu.trainEpoch("train", epochShuffle(train.rows, options.seed, epoch), options.batchSize),
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
