/**
 * Compartment-steps per second of kernels/hnn_cells.wgsl for each cell type at 1, 64 and 1024 instances,
 * tonic-driven (so cells fire), nothing recorded, one warm-up chunk first.
 * Run: node_modules/.bin/deno run -A bench/hnn_cells_bench.ts [--steps N] [--batches 1,64,1024]
 */
import { parseArgs } from "node:util";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { compileNetwork } from "../lib/hnn/compile.ts";
import { GpuPopulation, uploadTables } from "../lib/hnn/cells_gpu.ts";
import { CELL_TYPES, validateSpec } from "../lib/hnn/spec.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { steps: { type: "string", default: "2000" }, batches: { type: "string", default: "1,64,1024" } },
});
const steps = Number(values.steps);
const batches = values.batches.split(",").map(Number);

const runtime = await GpuRuntime.acquire();
// One cell of each type per network (mesh 1×1 has one basket per layer), `batch` networks side by side.
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

const rows: string[] = [];
for (const batch of batches) {
  const net = compileNetwork(spec, { batch });
  const tables = uploadTables(runtime, net);
  const cells: string[] = [];
  for (const type of CELL_TYPES) {
    const pop = net.populations.find((p) => p.cellType === type)!;
    const gpu = await GpuPopulation.create(runtime, net, pop, tables);
    await gpu.advance(200);
    await gpu.spikes(); // wait for the warm-up
    const t0 = performance.now();
    await gpu.advance(steps);
    await gpu.spikes();
    const seconds = (performance.now() - t0) / 1000;
    cells.push((pop.nComp * pop.nInst * steps / seconds).toExponential(2));
    gpu.destroy();
  }
  tables.destroy();
  rows.push(`| ${batch} | ${cells.join(" | ")} |`);
}

console.log(`adapter: ${runtime.adapterSummary.description}; ${steps} steps of 0.025 ms; compartment-steps/s\n`);
console.log(`| instances | ${CELL_TYPES.join(" | ")} |`);
console.log(`|---:|${CELL_TYPES.map(() => "---:").join("|")}|`);
for (const row of rows) console.log(row);
