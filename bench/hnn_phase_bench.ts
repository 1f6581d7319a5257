/**
 * Where an epoch of the ERP network goes: the event gather and each population's cell steps, each timed alone for
 * a few epochs (wall time, synced by a small read-back, so each figure includes one sync), then all of them in one
 * submit as `simulateNetwork` records them, with the CPU time of the process beside (Linux). Cost only: the first epochs carry few spikes, so the gather's row walk is
 * timed, not its delivery.
 *
 * Standalone: `deno run --allow-read --allow-write --allow-env bench/hnn_phase_bench.ts [batches, e.g. 64,1024] [epochs]
 * [dt, ms]`.
 */
import {
  compileNetwork,
  DispatchList,
  GpuEventGather,
  GpuPopulation,
  GpuRuntime,
  HNN_REQUIRED_LIMITS,
  type LogLayout,
  networkInstance,
  RECORD,
  spikeLogWords,
  uploadTables,
} from "../mod.ts";
import { canonicalErpSpec } from "./hnn_network_bench.ts";

/** CPU seconds of this process so far (user + system), steadier than wall time on a shared machine. */
function cpuSeconds(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Milliseconds per epoch for the gather, each cell type, and everything together, per batch size. */
export async function benchHnnPhases(
  runtime: GpuRuntime,
  batches = [64],
  epochs = 5,
  dt = 0.025,
): Promise<{ batch: number; epochSteps: number; ms: Record<string, number>; cpuMs: Record<string, number> }[]> {
  const spec = canonicalErpSpec(dt);
  const out = [];
  for (const batch of batches) {
    const net = compileNetwork(spec, { batch });
    const conn = net.connectivity, m = conn.epochSteps, cap = Math.ceil((epochs + 1) * m / 80) + 1;
    const instances = Array.from({ length: batch }, () => networkInstance(spec));
    const owned: { destroy(): void }[] = [];
    const tables = uploadTables(runtime, net);
    const layout: LogLayout[] = [];
    let words = 0;
    for (const p of net.populations) {
      layout.push({ gidStart: p.gidStart, count: p.count, spikeBase: words, nInst: p.nInst });
      words += spikeLogWords(p.nInst, cap);
    }
    const log = runtime.storage(words * 4);
    owned.push(tables, log);
    const gpus: GpuPopulation[] = [];
    for (const [k, p] of net.populations.entries()) {
      const links = {
        spikeLog: log,
        spikeBase: layout[k].spikeBase,
        spikeCap: cap,
        slots: conn.slots[k],
        eventRows: m,
      };
      gpus.push(await GpuPopulation.create(runtime, net, p, tables, links));
    }
    const gather = await GpuEventGather.create(runtime, net, instances, log, layout, cap);
    const traces = net.populations.map((p) => runtime.storage(Math.max(1, m * p.nInst) * 4));
    owned.push(...gpus, gather, ...traces);
    const cells = (k: number, list: DispatchList) => {
      const record = gpus[k].pop.layer ? RECORD.dipole : 0;
      gpus[k].run(m, { record, trace: traces[k], traceRow0: 0, traceRows: m, eventRow0: 0 }, list);
    };
    const targets = gpus.filter((_, k) => conn.slots[k].length > 0);
    const gathers = (e: number, list: DispatchList) => gather.gather(targets, e * m, m, list);
    // Epoch e of a phase: record it; one submit and one read-back per phase.
    const time = async (phase: (e: number, list: DispatchList) => void): Promise<number> => {
      const list = new DispatchList();
      phase(0, list); // warm-up
      list.submit(runtime.device);
      await runtime.read(log, 16);
      const began = performance.now(), cpu0 = cpuSeconds();
      for (let e = 1; e <= epochs; e++) phase(e, list);
      list.submit(runtime.device);
      await runtime.read(log, 16);
      cpuMs[cpuKey] = (cpuSeconds() - cpu0) * 1000 / epochs;
      return (performance.now() - began) / epochs;
    };
    const cpuMs: Record<string, number> = {};
    let cpuKey = "gather";
    const ms: Record<string, number> = { gather: await time(gathers) };
    for (const [k, g] of gpus.entries()) {
      cpuKey = g.pop.cellType;
      ms[g.pop.cellType] = await time((_, list) => cells(k, list));
    }
    cpuKey = "all";
    ms.all = await time((e, list) => {
      gathers(e, list);
      gpus.forEach((_, k) => cells(k, list));
    });
    out.push({ batch, epochSteps: m, ms, cpuMs });
    for (const o of owned) o.destroy();
  }
  return out;
}

if (import.meta.main) {
  const runtime = await GpuRuntime.acquire({ requiredLimits: HNN_REQUIRED_LIMITS });
  const batches = (Deno.args[0] ?? "64").split(",").map(Number);
  for (const r of await benchHnnPhases(runtime, batches, Number(Deno.args[1] ?? 5), Number(Deno.args[2] ?? 0.025))) {
    const parts = Object.entries(r.ms).map(([k, v]) => `${k} ${v.toFixed(1)} (CPU ${r.cpuMs[k].toFixed(1)})`);
    console.log(`batch ${r.batch}, ms per epoch of ${r.epochSteps} steps, wall (CPU): ${parts.join(" | ")}`);
  }
  runtime.destroy();
}
