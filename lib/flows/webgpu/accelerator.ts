/**
 * Sampling and log-densities of a trained flow on the WebGPU path: each flow gets its GPU copy on first use (the
 * current weights uploaded on every call, so a flow reassigned since is seen as it is), and only the rows asked for
 * travel.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import type { ConditionalFlow, FlowAccelerator } from "../flow.ts";
import { GpuFlow } from "./gpu_flow.ts";
import { gpuSupports } from "./flow_graph.ts";

/** Rows per submission when sampling or evaluating (NSF's activations for 2,000 rows take about 28 MiB). */
const ROWS_PER_STEP = 2_000;

export function webgpuAccelerator(runtime: GpuRuntime): FlowAccelerator {
  const copies = new WeakMap<ConditionalFlow, GpuFlow>();
  // Calls share a flow's GPU copy and its datasets, so they run one at a time (the server may ask concurrently).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => {});
    return result;
  };
  const copyOf = async (flow: ConditionalFlow): Promise<GpuFlow> => {
    const existing = copies.get(flow);
    if (existing) {
      existing.writeWeights(await flow.parameters.read());
      return existing;
    }
    const copy = await GpuFlow.create(runtime, flow, ROWS_PER_STEP);
    copies.set(flow, copy);
    return copy;
  };
  return {
    supports: gpuSupports,
    sample: (flow, x, noise) =>
      serial(async () => {
        const gpu = await copyOf(flow);
        const { thetaDim } = flow.config;
        const n = noise.length / thetaDim;
        gpu.setDataset("draws", { theta: new Float32Array(thetaDim), x: Float32Array.from(x), rows: 1 }, n);
        try {
          return await gpu.sample("draws", new Uint32Array(n), noise);
        } finally {
          gpu.deleteDataset("draws");
        }
      }),
    logProbRows: (flow, theta, x) =>
      serial(async () => {
        const gpu = await copyOf(flow);
        gpu.setDataset("rows", { theta, x, rows: theta.length / flow.config.thetaDim });
        try {
          return await gpu.logProb("rows");
        } finally {
          gpu.deleteDataset("rows");
        }
      }),
  };
}
