/** Host side of kernels/hnn_layer_sum.wgsl: per network, the sum of a population's cell dipoles per step. */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import { kernelSource, type KernelSpec } from "../../gpu/kernels.ts";
import { struct } from "../../gpu/layout.ts";
import type { CompiledPopulation } from "../lowering/compile.ts";

/** kernels/hnn_layer_sum.wgsl's uniform. */
export const LAYER_SUM_PARAMS = struct("Params", {
  n_inst: "u32", // instances per trace row: count × networks
  count: "u32", // cells per network
  networks: "u32",
  rows: "u32", // trace rows to sum
  trace_row0: "u32", // first trace row (the population's dipole rows)
  samples: "u32", // samples per network in `layer`
  sample0: "u32", // sample of the first row
});

export const LAYER_SUM_KERNEL: KernelSpec = { file: "hnn_layer_sum", structs: [LAYER_SUM_PARAMS] };

export interface LayerSumWindow {
  /** Trace rows to sum, starting at trace row `traceRow0` (the population's dipole rows). */
  rows: number;
  traceRow0: number;
  /** Samples per network in the layer buffer, and the sample the first row lands on. */
  samples: number;
  sample0: number;
}

/** Sum `pop`'s dipole rows of `trace` into `layer` ([network][sample], fAm). */
export async function sumLayer(
  runtime: GpuRuntime,
  pop: CompiledPopulation,
  trace: GPUBuffer,
  layer: GPUBuffer,
  w: LayerSumWindow,
): Promise<void> {
  const pipeline = runtime.pipeline(await kernelSource(LAYER_SUM_KERNEL));
  const networks = pop.nInst / pop.count;
  const params = runtime.uniform(LAYER_SUM_PARAMS.pack({
    n_inst: pop.nInst,
    count: pop.count,
    networks,
    rows: w.rows,
    trace_row0: w.traceRow0,
    samples: w.samples,
    sample0: w.sample0,
  }));
  runtime.run(pipeline, [params, trace, layer], runtime.grid(networks * w.rows));
  params.destroy();
}
