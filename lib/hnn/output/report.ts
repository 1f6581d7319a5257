/** A simulated network in the terms of hnn-core's reference runs (data/fixtures/hnn): what replays and spec runs return. */
import type { NetworkOutput } from "../gpu/simulate.ts";
import type { CompiledNetwork } from "../lowering/compile.ts";
import { renormalizeDipole } from "./dipole.ts";

export interface ReplayResult {
  times_ms: number[];
  /** hnn-core's dipole before smoothing and scaling: baseline-renormalised, nAm. */
  dipole_nAm_raw: { agg: number[]; L2: number[]; L5: number[] };
  spikes: { times_ms: number[]; gids: number[] };
  /** Soma voltage (mV) of the gids the fixture recorded. */
  soma_v_mV: Record<string, number[]>;
}

/** One simulated network in the fixtures' terms: baseline-renormalised dipoles (nAm), spikes, soma voltages. */
export function networkReport(net: CompiledNetwork, out: NetworkOutput, recordGids: number[]): ReplayResult {
  if (out.spikeOverflow > 0) throw new Error(`${out.spikeOverflow} cells fired more often than the spike log keeps`);
  const dipole = renormalizeDipole(out.rawL2, out.rawL5, net.tAccum, net.nPyramidal);
  return {
    times_ms: Array.from({ length: net.nSteps + 1 }, (_, i) => i * net.dt),
    dipole_nAm_raw: { agg: Array.from(dipole.agg), L2: Array.from(dipole.L2), L5: Array.from(dipole.L5) },
    spikes: out.spikes,
    soma_v_mV: Object.fromEntries(recordGids.map((g) => [String(g), Array.from(out.somaV.get(g)!)])),
  };
}
