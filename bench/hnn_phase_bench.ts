/**
 * Where an epoch of the ERP network goes: the event gather and each population's cell
 * steps, each timed alone for a few epochs (wall time, synced by a small read-back, so each figure includes one
 * sync), then all of them in one submit as `simulateNetwork` records them, with the CPU time of the process beside
 * (Linux). The first epochs carry no spikes, so timing there measures the gather's cost of looking, not of
 * delivering; start times later in the run (the network is simulated up to each first, e.g. 20 and 60 ms, where the
 * evoked drives make cells fire) time epochs with spikes to deliver.
 *
 * Standalone: `deno run --allow-read --allow-write --allow-env bench/hnn_phase_bench.ts [batches, e.g. 64,1024] [epochs]
 * [dt, ms] [start times, ms, e.g. 0,20,60]`.
 */
import {
  compileNetwork,
  defaultSpikeCap,
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

/** Epochs recorded per submit while simulating up to a start time. */
const ADVANCE_EPOCHS = 50;

/** CPU seconds of this process so far (user + system), steadier than wall time on a shared machine. */
function cpuSeconds(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface PhaseTimes {
  batch: number;
  epochSteps: number;
  /** Time simulated before the timed epochs, ms (an earlier start's timing may have run past the one asked for). */
  startMs: number;
  /** Per phase (`gather`, each cell type, `all`): wall and CPU ms per epoch. */
  ms: Record<string, number>;
  cpuMs: Record<string, number>;
}

/** Milliseconds per epoch for the gather, each cell type, and everything together, per batch size and start time. */
export async function benchHnnPhases(
  runtime: GpuRuntime,
  batches = [64],
  epochs = 5,
  dt = 0.025,
  startsMs = [0],
): Promise<PhaseTimes[]> {
  const spec = canonicalErpSpec(dt);
  const out: PhaseTimes[] = [];
  for (const batch of batches) {
    const net = compileNetwork(spec, { batch });
    const conn = net.connectivity, m = conn.epochSteps, cap = defaultSpikeCap(net);
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
    const epochOf = (e: number, list: DispatchList) => {
      gather.gather(targets, e * m, m, list);
      gpus.forEach((_, k) => cells(k, list));
    };
    // Epochs simulated so far: the cells' state and spike log are those of its start.
    let epoch = 0;
    for (const startMs of [...startsMs].sort((a, b) => a - b)) {
      const list = new DispatchList();
      for (const first = Math.round(startMs / dt / m); epoch < first; epoch++) {
        epochOf(epoch, list);
        if ((epoch + 1) % ADVANCE_EPOCHS === 0) list.submit(runtime.device);
      }
      list.submit(runtime.device);
      const timedFromMs = epoch * m * dt;
      // The phase's epochs from the current one: one warm-up, then `epochs` timed in one submit and one read-back.
      // Gathers only read the log; each cell phase moves its cells on by as many epochs (on the last events).
      const time = async (key: string, phase: (e: number, list: DispatchList) => void) => {
        phase(epoch, list);
        list.submit(runtime.device);
        await runtime.read(log, 16);
        const began = performance.now(), cpu0 = cpuSeconds();
        for (let e = 1; e <= epochs; e++) phase(epoch + e, list);
        list.submit(runtime.device);
        await runtime.read(log, 16);
        cpuMs[key] = (cpuSeconds() - cpu0) * 1000 / epochs;
        ms[key] = (performance.now() - began) / epochs;
      };
      const ms: Record<string, number> = {}, cpuMs: Record<string, number> = {};
      await time("gather", (e, list) => gather.gather(targets, e * m, m, list));
      for (const [k, g] of gpus.entries()) await time(g.pop.cellType, (_, list) => cells(k, list));
      epoch += epochs + 1;
      await time("all", epochOf);
      epoch += epochs + 1;
      out.push({ batch, epochSteps: m, startMs: timedFromMs, ms, cpuMs });
    }
    for (const o of owned) o.destroy();
  }
  return out;
}

if (import.meta.main) {
  const runtime = await GpuRuntime.acquire({ requiredLimits: HNN_REQUIRED_LIMITS });
  const batches = (Deno.args[0] ?? "64").split(",").map(Number);
  const [epochs, dt] = [Number(Deno.args[1] ?? 5), Number(Deno.args[2] ?? 0.025)];
  const starts = (Deno.args[3] ?? "0").split(",").map(Number);
  for (const r of await benchHnnPhases(runtime, batches, epochs, dt, starts)) {
    const parts = Object.entries(r.ms).map(([k, v]) => `${k} ${v.toFixed(1)} (CPU ${r.cpuMs[k].toFixed(1)})`);
    const at = `from ${r.startMs.toFixed(1)} ms`;
    console.log(`batch ${r.batch}, ${at}, ms per epoch of ${r.epochSteps} steps, wall (CPU): ${parts.join(" | ")}`);
  }
  runtime.destroy();
}
