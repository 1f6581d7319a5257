/**
 * What differs between the networks of a batch: the weight of every rule and the drive cells' event times. Both
 * follow from the spec, one θ row (the spec's `parameters`) and a trial index that offsets the drives' seeds as
 * hnn-core's trials do.
 */
import type { DriveSpec, ResolvedSpec } from "../spec/types.ts";
import { driveCellEventTimes, driveConnections, driveGidRanges } from "./drives.ts";
import { cellLayout } from "./positions.ts";

export interface NetworkInstance {
  /** Weight (µS at zero distance) of every rule: cell rules, then drive connections. */
  ruleWeights: ArrayLike<number>;
  /** Event times (ms) of every drive cell, in gid order. */
  driveEvents: number[][];
}

/** The spec with one θ row written into the fields its parameters name. */
export function applyParameters(spec: ResolvedSpec, theta: ArrayLike<number>): ResolvedSpec {
  if (theta.length !== spec.parameters.length) {
    throw new Error(`θ has ${theta.length} values, the spec declares ${spec.parameters.length} parameters`);
  }
  const out: ResolvedSpec = { ...spec, connections: spec.connections.map((c) => ({ ...c })) };
  out.drives = spec.drives.map((d) => ({
    ...d,
    weights_ampa: d.weights_ampa && { ...d.weights_ampa },
    weights_nmda: d.weights_nmda && { ...d.weights_nmda },
  }));
  spec.parameters.forEach((p, i) => {
    for (const target of p.sets) {
      if ("connection" in target) {
        out.connections[target.connection].weight_uS = theta[i] * (target.factor ?? 1);
        continue;
      }
      const drive = out.drives.find((d) => d.name === target.drive)! as DriveSpec & Record<string, unknown>;
      if ("field" in target) drive[target.field] = theta[i] + (target.offset ?? 0);
      else drive[`weights_${target.weight}`]![target.target] = theta[i] * (target.factor ?? 1);
    }
  });
  return out;
}

/** The batch member for θ row `theta` and trial `trial` (drive seeds + trial · all gids, as hnn-core). */
export function networkInstance(spec: ResolvedSpec, theta: ArrayLike<number> = [], trial = 0): NetworkInstance {
  const s = applyParameters(spec, theta);
  const layout = cellLayout(s.mesh_shape);
  const ranges = driveGidRanges(s.drives, layout);
  const allGids = ranges.length > 0 ? ranges[ranges.length - 1][1] : layout.cells;
  const driveEvents = s.drives.flatMap((drive, k) =>
    Array.from(
      { length: ranges[k][1] - ranges[k][0] },
      (_, offset) => driveCellEventTimes(drive, offset, s.tstop_ms, layout, trial, allGids),
    )
  );
  const ruleWeights = [
    ...s.connections.map((c) => c.weight_uS),
    ...driveConnections(s.drives, layout).map((c) => c.weight_uS),
  ];
  return { ruleWeights, driveEvents };
}
