/**
 * Runs a compiled batch of networks on the GPU, epoch by epoch: deliver the epoch's synaptic events from the spike
 * log (kernels/hnn_events.wgsl), advance every population by the epoch (kernels/hnn_cells.wgsl), and sum the layer
 * dipoles on the device (kernels/hnn_layer_sum.wgsl). Isolated cells are the case without NetCons.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import type { CompiledNetwork } from "../lowering/compile.ts";
import {
  defaultSpikeCap,
  gateGroups,
  GpuPopulation,
  type PopulationLinks,
  RECORD,
  spikeLogWords,
  unpackSpikes,
  uploadTables,
} from "./cells.ts";
import { DispatchList } from "../../gpu/dispatch_list.ts";
import { GpuEventGather, type LogLayout } from "./events.ts";
import { sumLayer } from "./layer_sum.ts";
import { type NetworkInstance, networkInstance } from "../network/instance.ts";

/** NEURON stamps a threshold crossing detected at t_n as t_n + teps (netcvode.cpp). */
const NEURON_SPIKE_TIME_OFFSET_MS = 1e-10;
/** Largest trace buffer per population (per-step cell dipoles between layer sums). */
const TRACE_BUDGET_BYTES = 32 * 2 ** 20;

export interface NetworkOutput {
  /** Raw L2 and L5 dipoles (fAm, summed over the layer's pyramidal cells), nSteps + 1 samples. */
  rawL2: Float64Array;
  rawL5: Float64Array;
  /** Spike times (ms) and gids, ordered by time then gid. */
  spikes: { times_ms: number[]; gids: number[] };
  /** Soma voltage of the requested gids, nSteps + 1 samples. */
  somaV: Map<number, Float32Array>;
  /** Cells that fired more than the spike log keeps: their later spikes, and those spikes' effects, are lost. */
  spikeOverflow: number;
}

export interface SimulateNetworkOptions {
  /** Per-network rule weights and drive events; by default the spec's own (θ-free, trial 0) for every network. */
  instances?: NetworkInstance[];
  /** Gids whose soma voltage to return (in every network of the batch). */
  recordGids?: number[];
  /** Steps between host read-backs of soma voltages and between layer sums (default 2000). */
  chunkSteps?: number;
  /** Spikes kept per cell (default: one per 2 ms). */
  spikeCap?: number;
  /** Simulate only the first `steps` steps (benchmarks); samples after them stay 0. */
  steps?: number;
  /** Steps done so far, after each chunk. */
  onSteps?: (done: number) => void;
}

/** Device bytes one network of `net` needs in each of its buffers; the largest decides how many fit a binding. */
export function bytesPerNetwork(net: CompiledNetwork, spikeCap = defaultSpikeCap(net)): {
  total: number;
  largestBinding: number;
} {
  const c = net.connectivity, m = c.epochSteps;
  const buffers: number[] = [];
  let log = 0;
  net.populations.forEach((p, k) => {
    const perNet = p.count * 4;
    const slots = c.slots[k].length;
    buffers.push((p.nNodes + 2 * slots) * perNet); // state
    buffers.push(p.nComp * 4 * gateGroups(p.nStates) * perNet); // gates
    buffers.push(m * slots * perNet); // events
    if (p.layer) buffers.push(m * perNet); // trace (at least one epoch)
    log += spikeLogWords(p.count, spikeCap) * 4;
  });
  // Spike log, layer dipoles, the event gather's newest spike per source.
  buffers.push(log, 2 * (net.nSteps + 1) * 4, (c.cells + c.nDriveCells) * 4);
  return { total: buffers.reduce((a, b) => a + b, 0), largestBinding: Math.max(...buffers) };
}

/** Simulate every network of the batch; one NetworkOutput per network. */
export async function simulateNetwork(
  runtime: GpuRuntime,
  net: CompiledNetwork,
  options: SimulateNetworkOptions = {},
): Promise<NetworkOutput[]> {
  const conn = net.connectivity, batch = net.batch;
  const nSteps = Math.min(options.steps ?? net.nSteps, net.nSteps), samples = net.nSteps + 1;
  const spikeCap = options.spikeCap ?? defaultSpikeCap(net);
  const recordGids = options.recordGids ?? [];
  const instances = options.instances ?? Array.from({ length: batch }, () => networkInstance(net.spec));
  const owned: { destroy(): void }[] = [];
  try {
    const tables = uploadTables(runtime, net);
    owned.push(tables);
    // One spike log for the whole batch: the event gather reads every population's spikes.
    const logLayout: LogLayout[] = [];
    let logWords = 0;
    for (const p of net.populations) {
      logLayout.push({ gidStart: p.gidStart, count: p.count, spikeBase: logWords, nInst: p.nInst });
      logWords += spikeLogWords(p.nInst, spikeCap);
    }
    const spikeLog = runtime.storage(logWords * 4);
    owned.push(spikeLog);
    const m = conn.epochSteps;
    const gpus: GpuPopulation[] = [];
    for (const [k, p] of net.populations.entries()) {
      const links: PopulationLinks = {
        spikeLog,
        spikeBase: logLayout[k].spikeBase,
        spikeCap,
        slots: conn.slots[k],
        eventRows: m,
      };
      const gpu = await GpuPopulation.create(runtime, net, p, tables, links);
      owned.push(gpu);
      gpus.push(gpu);
    }
    const gather = conn.rows.length > 0
      ? await GpuEventGather.create(runtime, net, instances, spikeLog, logLayout, spikeCap)
      : undefined;
    if (gather) owned.push(gather);

    // Trace rows per chunk: whole epochs, within the budget of the largest traced population.
    const watched = net.populations.map((p) => recordGids.filter((g) => g >= p.gidStart && g < p.gidStart + p.count));
    const widest = Math.max(
      1,
      ...net.populations.map((p, k) => p.nInst * ((p.layer ? 1 : 0) + (watched[k].length > 0 ? 1 : 0))),
    );
    const budgetRows = Math.floor(Math.min(TRACE_BUDGET_BYTES, runtime.maxBindingBytes) / (4 * widest));
    const rows = Math.max(m, m * Math.floor(Math.min(options.chunkSteps ?? 2000, budgetRows) / m));
    const traces = net.populations.map((p, k) => {
      const records = (p.layer ? 1 : 0) + (watched[k].length > 0 ? 1 : 0);
      return runtime.storage(Math.max(1, records * rows * p.nInst) * 4);
    });
    owned.push(...traces);
    const layers = { L2: runtime.storage(batch * samples * 4), L5: runtime.storage(batch * samples * 4) };
    owned.push(layers.L2, layers.L5);

    const somaV = Array.from({ length: batch }, () => new Map<number, Float32Array>());
    net.populations.forEach((p, k) => {
      for (const g of watched[k]) for (const map of somaV) map.set(g, new Float32Array(samples).fill(p.v0[p.somaNode]));
    });
    const targets = gpus.filter((_, k) => conn.slots[k].length > 0);
    // One submit per chunk: its epochs' gathers and cell steps are recorded into one list.
    const list = new DispatchList();
    for (let step = 0; step < nSteps;) {
      const chunk = Math.min(rows, nSteps - step);
      for (let e = 0; e < chunk; e += m) {
        const steps = Math.min(m, chunk - e);
        gather?.gather(targets, step + e, steps, list);
        gpus.forEach((gpu, k) => {
          const soma = watched[k].length > 0;
          const record = (soma ? RECORD.somaV : 0) | (gpu.pop.layer ? RECORD.dipole : 0);
          const window = { record, trace: traces[k], traceRow0: e, traceRows: soma ? rows : 0, eventRow0: 0 };
          gpu.run(steps, window, list);
        });
      }
      list.submit(runtime.device);
      for (const [k, gpu] of gpus.entries()) {
        const p = gpu.pop;
        const somaRows = watched[k].length > 0 ? rows : 0;
        if (p.layer) {
          await sumLayer(runtime, p, traces[k], layers[p.layer], {
            rows: chunk,
            traceRow0: somaRows,
            samples,
            sample0: step + 1,
          });
        }
        if (somaRows > 0) {
          const v = new Float32Array(chunk * p.nInst);
          await runtime.readInto(traces[k], v);
          somaV.forEach((map, b) => {
            for (const g of watched[k]) {
              const trace = map.get(g)!, inst = b * p.count + g - p.gidStart;
              for (let s = 0; s < chunk; s++) trace[step + s + 1] = v[s * p.nInst + inst];
            }
          });
        }
      }
      step += chunk;
      options.onSteps?.(step);
    }
    return await collect(runtime, net, { layers, spikeLog, logLayout, spikeCap, samples, somaV });
  } finally {
    for (const o of owned) o.destroy();
  }
}

async function collect(
  runtime: GpuRuntime,
  net: CompiledNetwork,
  r: {
    layers: { L2: GPUBuffer; L5: GPUBuffer };
    spikeLog: GPUBuffer;
    logLayout: LogLayout[];
    spikeCap: number;
    samples: number;
    somaV: Map<number, Float32Array>[];
  },
): Promise<NetworkOutput[]> {
  const { samples } = r;
  const l2 = new Float32Array(net.batch * samples), l5 = new Float32Array(net.batch * samples);
  await runtime.readInto(r.layers.L2, l2);
  await runtime.readInto(r.layers.L5, l5);
  const log = new Uint32Array(await runtime.read(r.spikeLog));
  const outputs: NetworkOutput[] = Array.from({ length: net.batch }, (_, b) => ({
    rawL2: Float64Array.from(l2.subarray(b * samples, (b + 1) * samples)),
    rawL5: Float64Array.from(l5.subarray(b * samples, (b + 1) * samples)),
    spikes: { times_ms: [], gids: [] },
    somaV: r.somaV[b],
    spikeOverflow: 0,
  }));
  net.populations.forEach((p, k) => {
    const words = spikeLogWords(p.nInst, r.spikeCap), base = r.logLayout[k].spikeBase;
    const spikes = unpackSpikes(log.subarray(base, base + words), p.nInst, r.spikeCap);
    outputs.forEach((out, b) => {
      for (let c = 0; c < p.count; c++) {
        const inst = b * p.count + c;
        if (spikes.counts[inst] > spikes.steps[inst].length) out.spikeOverflow++;
        for (const step of spikes.steps[inst]) {
          out.spikes.times_ms.push(net.tAccum[step] + NEURON_SPIKE_TIME_OFFSET_MS);
          out.spikes.gids.push(p.gidStart + c);
        }
      }
    });
  });
  for (const out of outputs) {
    const order = out.spikes.times_ms.map((_, i) => i).sort((i, j) =>
      out.spikes.times_ms[i] - out.spikes.times_ms[j] || out.spikes.gids[i] - out.spikes.gids[j]
    );
    out.spikes = { times_ms: order.map((i) => out.spikes.times_ms[i]), gids: order.map((i) => out.spikes.gids[i]) };
  }
  return outputs;
}
