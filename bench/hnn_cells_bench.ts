/**
 * Compartment-steps per second of kernels/hnn_cells.wgsl for each cell type, tonic-driven (so cells fire),
 * nothing recorded, one warm-up chunk first. `batch` one-cell-per-type networks side by side.
 */
import type { GpuRuntime } from "../lib/gpu/runtime.ts";
import { GpuPopulation, uploadTables } from "../lib/hnn/gpu/cells.ts";
import { compileNetwork } from "../lib/hnn/lowering/compile.ts";
import { CELL_TYPES } from "../lib/hnn/spec/types.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";
import type { BenchRow } from "./report.ts";

export async function benchHnnCells(runtime: GpuRuntime, batches = [1, 64, 1024], steps = 1000): Promise<BenchRow[]> {
  // Mesh 1×1: one pyramidal cell and one basket cell per layer.
  const spec = validateSpec({
    mesh_shape: [1, 1],
    dt_ms: 0.025,
    tstop_ms: 0.025 * (steps + 200),
    tonic_biases: {
      L2_basket: { amplitude_nA: 0.3, t0_ms: 0 },
      L2_pyramidal: { amplitude_nA: 1.5, t0_ms: 0 },
      L5_basket: { amplitude_nA: 0.3, t0_ms: 0 },
      L5_pyramidal: { amplitude_nA: 3, t0_ms: 0 },
    },
  });
  const rows: BenchRow[] = [];
  for (const batch of batches) {
    const net = compileNetwork(spec, { batch });
    const tables = uploadTables(runtime, net);
    for (const type of CELL_TYPES) {
      const pop = net.populations.find((p) => p.cellType === type)!;
      const gpu = await GpuPopulation.create(runtime, net, pop, tables);
      await gpu.advance(200);
      await gpu.spikes(); // wait for the warm-up
      const began = performance.now();
      await gpu.advance(steps);
      await gpu.spikes();
      const seconds = (performance.now() - began) / 1000;
      rows.push({
        benchmark: `hnn cell ${type}`,
        size: `${batch} instances × ${steps} steps`,
        value: (pop.nComp * pop.nInst * steps) / seconds,
        unit: "compartment-steps/s",
      });
      gpu.destroy();
    }
    tables.destroy();
  }
  return rows;
}
