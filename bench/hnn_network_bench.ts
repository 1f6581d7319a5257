/**
 * ERP simulations per second of the whole jones_2009_model network (hnn-core's ERP: three evoked drives, dt
 * 0.025 ms, tstop 170 ms as NEURON's `neuron_wall_s_one_core` in the erp fixture) at batch 1, 64 and 1024.
 * A software adapter cannot run 1024 full ERPs in a benchmark's time: each batch runs `steps` of the 6,800 steps
 * (after a warm-up epoch) and the rate is extrapolated per step, which the size column says. A batch larger than
 * one pass holds (binding limit, memory) runs as several passes; the figure is for the whole batch.
 *
 * Standalone: `deno run --allow-read --allow-env bench/hnn_network_bench.ts` prints the markdown table.
 */
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { compileNetwork } from "../lib/hnn/lowering/compile.ts";
import { networksPerBatch } from "../lib/models/hnn.ts";
import { erpDrives, jones2009Connections } from "../lib/hnn/network/jones2009.ts";
import { networkInstance } from "../lib/hnn/network/instance.ts";
import { bytesPerNetwork, simulateNetwork } from "../lib/hnn/gpu/simulate.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";
import { type BenchRow, markdownReport } from "./report.ts";

/** NEURON 8.2.2, one core of this 2-core machine (erp_jones2009.json.gz, neuron_wall_s_one_core). */
const NEURON_SECONDS_PER_ERP_PER_CORE = 20.9;

/** hnn-core's canonical ERP network as NEURON's reference run simulated it (dt 0.025 ms, tstop 170 ms). */
export function canonicalErpSpec() {
  return validateSpec({
    mesh_shape: [10, 10],
    dt_ms: 0.025,
    tstop_ms: 170,
    connections: jones2009Connections(),
    drives: erpDrives(),
  });
}

export async function benchHnnNetwork(
  runtime: GpuRuntime,
  plan: { batch: number; steps: number }[] = defaultPlan(runtime),
): Promise<BenchRow[]> {
  const spec = canonicalErpSpec();
  const instance = networkInstance(spec);
  const rows: BenchRow[] = [];
  const perPass = networksPerBatch(runtime, compileNetwork(spec));
  for (const { batch, steps } of plan) {
    const pass = Math.min(batch, perPass);
    const net = compileNetwork(spec, { batch: pass });
    const instances = Array.from({ length: pass }, () => instance);
    const warm = net.connectivity.epochSteps;
    await simulateNetwork(runtime, net, { instances, steps: warm }); // pipelines compiled, caches warm
    const began = performance.now();
    await simulateNetwork(runtime, net, { instances, steps });
    const secondsPerStep = (performance.now() - began) / 1000 / steps;
    const secondsPerBatch = secondsPerStep * net.nSteps * Math.ceil(batch / pass);
    const partial = steps < net.nSteps ? `, ${steps} of ${net.nSteps} steps timed, extrapolated` : "";
    const passes = batch > pass ? `, ${Math.ceil(batch / pass)} passes of ${pass}` : "";
    rows.push({
      benchmark: "hnn ERP network (170 ms, dt 0.025)",
      size: `batch ${batch}${passes}${partial}`,
      value: batch / secondsPerBatch,
      unit: `ERP sims/s (NEURON: ${(2 / NEURON_SECONDS_PER_ERP_PER_CORE).toFixed(3)} on 2 cores)`,
    });
  }
  const mem = bytesPerNetwork(compileNetwork(spec));
  rows.push({ benchmark: "hnn ERP network device memory", size: "per network", value: mem.total, unit: "bytes" });
  return rows;
}

/** Full runs on a hardware adapter; on a software one, enough steps for a stable rate. */
function defaultPlan(runtime: GpuRuntime): { batch: number; steps: number }[] {
  const all = 6800;
  if (!runtime.adapterSummary.fallback) return [1, 64, 1024].map((batch) => ({ batch, steps: all }));
  return [{ batch: 1, steps: 1600 }, { batch: 64, steps: 160 }, { batch: 1024, steps: 40 }];
}

if (import.meta.main) {
  const runtime = await GpuRuntime.acquire();
  console.log(markdownReport(runtime, await benchHnnNetwork(runtime)));
  runtime.destroy();
}
