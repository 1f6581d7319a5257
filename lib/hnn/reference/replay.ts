/**
 * Replays an hnn-core reference run on the GPU and reports it in the fixture's terms: tonic fixtures (isolated
 * cells) from their biases; network fixtures from their NetCons as built, with the drive cells' recorded spikes
 * replayed as events.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import { type CompiledNetwork, compileNetwork } from "../lowering/compile.ts";
import type { NetconSource } from "../lowering/connectivity.ts";
import { renormalizeDipole } from "../output/dipole.ts";
import { fixtureDriveEvents, fixtureNetcons, type HnnFixture, readFixture, specFromFixture } from "./fixture.ts";
import { type NetworkOutput, simulateNetwork } from "../gpu/simulate.ts";
import { CELL_TYPES, validateSpec } from "../spec/types.ts";

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
  return await replayLoaded(runtime, await readFixture(fixturePath));
}

export async function replayLoaded(runtime: GpuRuntime, fx: HnnFixture): Promise<ReplayResult> {
  const spec = validateSpec(specFromFixture(fx));
  const cells = CELL_TYPES.reduce((n, t) => n + (fx.gid_ranges[t] ? fx.gid_ranges[t][1] - fx.gid_ranges[t][0] : 0), 0);
  const netcons: NetconSource = fixtureNetcons(fx, cells);
  const net = compileNetwork(spec, { netcons });
  for (const pop of net.populations) {
    const [start, stop] = fx.gid_ranges[pop.cellType] ?? [pop.gidStart, pop.gidStart + pop.count];
    if (pop.gidStart !== start || pop.count !== stop - start) {
      throw new Error(`fixture gids of ${pop.cellType}: [${start}, ${stop}), the spec's: ${pop.gidStart}+${pop.count}`);
    }
  }
  const recordGids = Object.keys(fx.soma_v_mV).map(Number);
  const instance = { ruleWeights: [1], driveEvents: fixtureDriveEvents(fx, cells, netcons.nDriveCells) };
  const [out] = await simulateNetwork(runtime, net, { recordGids, instances: [instance] });
  return networkReport(net, out, recordGids);
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
