/**
 * Runs a compiled network's cells on the GPU, population by population in chunks of steps, and gathers
 * what hnn-core reports per network: raw layer dipoles, spikes and a few somatic voltages.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { CompiledNetwork } from "./compile.ts";
import { GpuPopulation, RECORD, uploadTables } from "./cells_gpu.ts";

/** NEURON stamps a threshold crossing detected at t_n as t_n + teps (netcvode.cpp). */
const NEURON_SPIKE_TIME_OFFSET_MS = 1e-10;

export interface NetworkOutput {
  /** Raw L2 and L5 dipoles (fAm, summed over the layer's pyramidal cells), nSteps + 1 samples. */
  rawL2: Float64Array;
  rawL5: Float64Array;
  /** Spike times (ms) and gids, ordered by time then gid. */
  spikes: { times_ms: number[]; gids: number[] };
  /** Soma voltage of the requested gids, nSteps + 1 samples. */
  somaV: Map<number, Float32Array>;
}

export interface SimulateCellsOptions {
  /** Gids whose soma voltage to return (in every network of the batch). */
  recordGids?: number[];
  /** Steps per read-back (default 2000); dispatches are split further to suit the adapter. */
  chunkSteps?: number;
}

/** Simulate every network of the batch; one NetworkOutput per network. */
export async function simulateCells(
  runtime: GpuRuntime,
  net: CompiledNetwork,
  options: SimulateCellsOptions = {},
): Promise<NetworkOutput[]> {
  const chunkSteps = options.chunkSteps ?? 2000;
  const recordGids = options.recordGids ?? [];
  const samples = net.nSteps + 1;
  const outputs: NetworkOutput[] = Array.from({ length: net.batch }, () => ({
    rawL2: new Float64Array(samples),
    rawL5: new Float64Array(samples),
    spikes: { times_ms: [], gids: [] },
    somaV: new Map(),
  }));
  const tables = uploadTables(runtime, net);
  try {
    for (const pop of net.populations) {
      if (pop.count === 0) continue;
      const watched = recordGids.filter((g) => g >= pop.gidStart && g < pop.gidStart + pop.count);
      const record = (watched.length > 0 ? RECORD.somaV : 0) | (pop.layer ? RECORD.dipole : 0);
      for (const out of outputs) {
        for (const g of watched) out.somaV.set(g, new Float32Array(samples).fill(pop.v0[pop.somaNode]));
      }
      const gpu = await GpuPopulation.create(runtime, net, pop, tables);
      try {
        while (gpu.step < net.nSteps) {
          const step0 = gpu.step;
          const steps = Math.min(chunkSteps, net.nSteps - step0);
          const trace = await gpu.advance(steps, record);
          outputs.forEach((out, b) => {
            for (const g of watched) {
              const inst = b * pop.count + g - pop.gidStart, v = out.somaV.get(g)!;
              for (let s = 0; s < steps; s++) v[step0 + s + 1] = trace.somaV![s * pop.nInst + inst];
            }
            if (!trace.dipole) return;
            const layer = pop.layer === "L2" ? out.rawL2 : out.rawL5;
            for (let s = 0; s < steps; s++) {
              let q = 0;
              const row = s * pop.nInst + b * pop.count;
              for (let c = 0; c < pop.count; c++) q += trace.dipole[row + c];
              layer[step0 + s + 1] = q;
            }
          });
        }
        const spikes = await gpu.spikes();
        outputs.forEach((out, b) => {
          for (let c = 0; c < pop.count; c++) {
            const inst = b * pop.count + c;
            if (spikes.counts[inst] > spikes.steps[inst].length) {
              throw new Error(`cell ${pop.gidStart + c} fired more than the ${gpu.spikeCap} spikes kept`);
            }
            for (const step of spikes.steps[inst]) {
              out.spikes.times_ms.push(net.tAccum[step] + NEURON_SPIKE_TIME_OFFSET_MS);
              out.spikes.gids.push(pop.gidStart + c);
            }
          }
        });
      } finally {
        gpu.destroy();
      }
    }
  } finally {
    tables.destroy();
  }
  for (const out of outputs) {
    const order = out.spikes.times_ms.map((_, i) => i).sort((i, j) =>
      out.spikes.times_ms[i] - out.spikes.times_ms[j] || out.spikes.gids[i] - out.spikes.gids[j]
    );
    out.spikes = { times_ms: order.map((i) => out.spikes.times_ms[i]), gids: order.map((i) => out.spikes.gids[i]) };
  }
  return outputs;
}
