/**
 * ERP simulations per second of the whole jones_2009_model network (hnn-core's ERP: three evoked drives, tstop 170
 * ms), by the wall clock, setup and read-back included: at dt 0.025 ms (NEURON's reference run,
 * `neuron_wall_s_one_core` in the erp fixture) and at dt 0.5 ms, at the batch the models and experiments simulate
 * (`networksPerBatch`: one pass) and at batch 1 and 64.
 * A software adapter cannot run every dt-0.025 batch whole in a benchmark's time: there the rate comes from two runs, one
 * epoch and one epoch + `steps`, whose difference gives the time per step and whose first gives the fixed cost
 * (buffers, uploads, read-back), extrapolated to the 6,800 steps, which the size column says. Pipelines are compiled
 * by a batch-1 warm-up first. The first steps carry no evoked activity, so the extrapolation leaves out what spikes
 * add (event delivery): the dt-0.5 runs, and at dt 0.025 the batch-64 run, are whole.
 *
 * Standalone: `deno run --allow-read --allow-env bench/hnn_network_bench.ts [--whole dt:batch,...]` prints the markdown
 * table.
 */
import {
  bytesPerNetwork,
  compileNetwork,
  erpDrives,
  GpuRuntime,
  HNN_REQUIRED_LIMITS,
  jones2009Connections,
  networkInstance,
  networksPerBatch,
  simulateNetwork,
  validateSpec,
} from "../mod.ts";
import { type BenchRow, markdownReport } from "./report.ts";

/** NEURON 8.2.2, one core of this 2-core machine (erp_jones2009.json.gz, neuron_wall_s_one_core). */
const NEURON_SECONDS_PER_ERP_PER_CORE = 20.9;

/** hnn-core's canonical ERP network as NEURON's reference run simulated it (dt 0.025 ms, tstop 170 ms). */
export function canonicalErpSpec(dt = 0.025) {
  return validateSpec({
    mesh_shape: [10, 10],
    dt_ms: dt,
    tstop_ms: 170,
    connections: jones2009Connections(),
    drives: erpDrives(),
  });
}

/** One measured case: `steps` undefined is a whole run, else the per-step rate from two partial runs. */
export interface NetworkBenchCase {
  dt: number;
  batch: number;
  steps?: number;
}

export async function benchHnnNetwork(
  runtime: GpuRuntime,
  plan: NetworkBenchCase[] = defaultPlan(runtime),
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const warm = new Set<number>();
  for (const { dt, batch, steps } of plan) {
    const spec = canonicalErpSpec(dt);
    const instance = networkInstance(spec);
    const simulate = async (b: number, n?: number) => {
      const net = compileNetwork(spec, { batch: b });
      const instances = Array.from({ length: b }, () => instance);
      const began = performance.now();
      await simulateNetwork(runtime, net, { instances, steps: n });
      return { seconds: (performance.now() - began) / 1000, net };
    };
    if (!warm.has(dt)) {
      await simulate(1, compileNetwork(spec).connectivity.epochSteps); // pipelines compiled
      warm.add(dt);
    }
    let secondsPerBatch: number, nSteps: number, partial = "";
    if (steps === undefined) {
      const run = await simulate(batch);
      secondsPerBatch = run.seconds;
      nSteps = run.net.nSteps;
    } else {
      const epoch = compileNetwork(spec).connectivity.epochSteps;
      const short = await simulate(batch, epoch);
      const long = await simulate(batch, epoch + steps);
      const perStep = Math.max(0, long.seconds - short.seconds) / steps;
      nSteps = long.net.nSteps;
      secondsPerBatch = Math.max(0, short.seconds - epoch * perStep) + nSteps * perStep;
      partial = `, ${steps} of ${nSteps} steps timed, extrapolated`;
    }
    rows.push({
      benchmark: `hnn ERP network (170 ms, dt ${dt})`,
      size: `batch ${batch}${batch === experimentBatch(runtime) ? " (experiments)" : ""}${partial}`,
      value: batch / secondsPerBatch,
      unit: `ERP sims/s, wall clock (NEURON: ${
        (2 / NEURON_SECONDS_PER_ERP_PER_CORE).toFixed(3)
      } on 2 cores at dt 0.025)`,
    });
  }
  const mem = bytesPerNetwork(compileNetwork(canonicalErpSpec()));
  rows.push({ benchmark: "hnn ERP network device memory", size: "per network", value: mem.total, unit: "bytes" });
  return rows;
}

/** Networks per pass of the ERP model on this adapter: the batch the models and experiments simulate. */
function experimentBatch(runtime: GpuRuntime): number {
  return networksPerBatch(runtime, compileNetwork(canonicalErpSpec()));
}

/**
 * Whole runs on a hardware adapter; on a software one, whole runs at dt 0.5 and at dt 0.025 for batch 64, and
 * extrapolated ones at dt 0.025 for batch 1 and the experiments' batch (a few minutes on 2 cores; a whole run there
 * takes about 17 minutes: `--whole 0.025:508`).
 */
function defaultPlan(runtime: GpuRuntime): NetworkBenchCase[] {
  const batches = [...new Set([1, 64, experimentBatch(runtime)])];
  if (!runtime.adapterSummary.fallback) {
    return [0.025, 0.5].flatMap((dt) => [...new Set([...batches, 1024])].map((batch) => ({ dt, batch })));
  }
  return [
    ...batches.map((batch) => ({ dt: 0.025, batch, steps: batch === 64 ? undefined : batch === 1 ? 800 : 160 })),
    ...batches.map((batch) => ({ dt: 0.5, batch })),
  ];
}

/** `--whole dt:batch,...`: whole runs of these cases only. */
function parseWholeCases(arg: string): NetworkBenchCase[] {
  return arg.split(",").map((item) => {
    const [dt, batch] = item.split(":").map(Number);
    if (!(dt > 0) || !Number.isInteger(batch) || batch < 1) {
      throw new Error(`--whole takes dt:batch pairs, not "${item}"`);
    }
    return { dt, batch };
  });
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--whole");
  const plan = at >= 0 ? parseWholeCases(Deno.args[at + 1] ?? "") : undefined;
  const runtime = await GpuRuntime.acquire({ requiredLimits: HNN_REQUIRED_LIMITS });
  console.log(markdownReport(runtime, await benchHnnNetwork(runtime, plan)));
  runtime.destroy();
}
