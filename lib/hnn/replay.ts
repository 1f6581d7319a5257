/** Replays an hnn-core reference run (a tonic fixture) on the GPU and reports it in the fixture's terms. */
import type { GpuRuntime } from "../gpu/runtime.ts";
import { compileNetwork } from "./compile.ts";
import { renormalizeDipole } from "./dipole.ts";
import { readFixture, specFromTonicFixture } from "./fixture.ts";
import { simulateCells } from "./simulate.ts";
import { validateSpec } from "./spec.ts";

export interface ReplayResult {
  times_ms: number[];
  /** hnn-core's dipole before smoothing and scaling: baseline-renormalised, nAm. */
  dipole_nAm_raw: { agg: number[]; L2: number[]; L5: number[] };
  spikes: { times_ms: number[]; gids: number[] };
  /** Soma voltage (mV) of the gids the fixture recorded. */
  soma_v_mV: Record<string, number[]>;
}

/** Simulate the fixture's scenario with its dt, tstop and gids. */
export async function replayFixture(runtime: GpuRuntime, fixturePath: string): Promise<ReplayResult> {
  const fx = await readFixture(fixturePath);
  const net = compileNetwork(validateSpec(specFromTonicFixture(fx)));
  for (const [type, [start, stop]] of Object.entries(fx.gid_ranges)) {
    const pop = net.populations.find((p) => p.cellType === type);
    if (pop && (pop.gidStart !== start || pop.count !== stop - start)) {
      throw new Error(`fixture gids of ${type} are [${start}, ${stop}), the spec gives ${pop.gidStart}+${pop.count}`);
    }
  }
  const recordGids = Object.keys(fx.soma_v_mV).map(Number);
  const [out] = await simulateCells(runtime, net, { recordGids });
  const dipole = renormalizeDipole(out.rawL2, out.rawL5, net.tAccum, net.nPyramidal);
  return {
    times_ms: Array.from({ length: net.nSteps + 1 }, (_, i) => i * net.dt),
    dipole_nAm_raw: { agg: Array.from(dipole.agg), L2: Array.from(dipole.L2), L5: Array.from(dipole.L5) },
    spikes: out.spikes,
    soma_v_mV: Object.fromEntries(recordGids.map((g) => [String(g), Array.from(out.somaV.get(g)!)])),
  };
}
