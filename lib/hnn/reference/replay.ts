/**
 * Replays an hnn-core reference run on the GPU and reports it in the fixture's terms: tonic fixtures (isolated
 * cells) from their biases; network fixtures from their NetCons as built, with the drive cells' recorded spikes
 * replayed as events.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import { compileNetwork } from "../lowering/compile.ts";
import type { NetconSource } from "../lowering/connectivity.ts";
import { fixtureDriveEvents, fixtureNetcons, type HnnFixture, readFixture, specFromFixture } from "./fixture.ts";
import { simulateNetwork } from "../gpu/simulate.ts";
import { networkReport, type ReplayResult } from "../output/report.ts";
import { CELL_TYPES } from "../spec/types.ts";
import { validateSpec } from "../spec/validate.ts";

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
