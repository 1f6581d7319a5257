/** Host side of kernels/hnn_layer_sum.wgsl: per network, the sum of a population's cell dipoles per step. */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import { loadKernel } from "../../gpu/kernels.ts";
import type { CompiledPopulation } from "../lowering/compile.ts";

const WORKGROUP = 64;
const MAX_WORKGROUPS_X = 65535;

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
  const pipeline = runtime.pipeline(await loadKernel("hnn_layer_sum"));
  const networks = pop.nInst / pop.count;
  const groups = Math.ceil((networks * w.rows) / WORKGROUP);
  const gridX = Math.min(groups, MAX_WORKGROUPS_X);
  const params = runtime.uniform(
    Uint32Array.from([pop.nInst, pop.count, networks, w.rows, w.traceRow0, w.samples, w.sample0, gridX * WORKGROUP]),
  );
  runtime.run(pipeline, [params, trace, layer], [gridX, Math.ceil(groups / gridX)]);
  params.destroy();
}
