/**
 * Cell-to-cell connection rules and drives' synaptic targets, turned into NetCons exactly as hnn-core builds them
 * (`cell.py::_get_gaussian_connection`): weight = gain·A·exp(−d²/λ²), delay = D/exp(−d²/λ²), d the xy distance.
 */
import { CELL_TYPES, type CellType, type ConnectionSpec, type Location, type SynapticTarget } from "../spec/types.ts";
import type { Layout, Position } from "./positions.ts";

/** The sections a location group means on each cell type (hnn-core's `sect_loc`); baskets have only a soma. */
export const LOCATION_SECTIONS: Record<"pyramidal" | "basket", Record<Location, string[]>> = {
  pyramidal: { proximal: ["apical_oblique", "basal_2", "basal_3"], distal: ["apical_tuft"], soma: ["soma"] },
  basket: { proximal: ["soma"], distal: ["soma"], soma: ["soma"] },
};

export function sectionsFor(target: CellType, location: Location): string[] {
  return LOCATION_SECTIONS[target.endsWith("pyramidal") ? "pyramidal" : "basket"][location];
}

/** One NetCon per row; `rule` indexes the connection (cells first, then drives' targets) it came from. */
export interface NetconTable {
  src: Int32Array;
  tgt: Int32Array;
  /** `<section>_<receptor>`, the synapse at the middle of that section. */
  synapse: string[];
  weight: Float64Array;
  delay: Float64Array;
  rule: Int32Array;
  /** exp(−d²/λ²): the weight per unit of the rule's weight (rules' weights may vary per instance). */
  falloff: Float64Array;
}

/** A drive's targets as a rule: its cells sit at the origin. */
export interface DriveConnection extends SynapticTarget {
  /**
   * Cell-specific drives: driveGids[j] feeds only the j-th cell of `target`. Otherwise every gid listed feeds
   * every cell of `target`.
   */
  driveGids: number[];
  cellSpecific: boolean;
}

/** Drive-cell offsets of each target type for a cell-specific drive: targets in gid order, types in gid order. */
export function cellSpecificOffsets(layout: Layout, targets: CellType[]): Map<CellType, number> {
  const offsets = new Map<CellType, number>();
  let next = 0;
  for (const type of CELL_TYPES) {
    if (!targets.includes(type)) continue;
    offsets.set(type, next);
    next += layout.positions[type].length;
  }
  return offsets;
}

class NetconBuilder {
  readonly src: number[] = [];
  readonly tgt: number[] = [];
  readonly synapse: string[] = [];
  readonly weight: number[] = [];
  readonly delay: number[] = [];
  readonly rule: number[] = [];
  readonly falloff: number[] = [];

  add(rule: number, srcGid: number, from: Position, tgtGid: number, to: Position, c: SynapticTarget): void {
    const d2 = (from[0] - to[0]) ** 2 + (from[1] - to[1]) ** 2;
    const falloff = Math.exp(-d2 / (c.lamtha * c.lamtha));
    for (const section of sectionsFor(c.target, c.location)) {
      this.src.push(srcGid);
      this.tgt.push(tgtGid);
      this.synapse.push(`${section}_${c.receptor}`);
      this.weight.push(c.weight_uS * falloff);
      this.delay.push(c.delay_ms / falloff);
      this.rule.push(rule);
      this.falloff.push(falloff);
    }
  }

  table(): NetconTable {
    return {
      src: Int32Array.from(this.src),
      tgt: Int32Array.from(this.tgt),
      synapse: this.synapse,
      weight: Float64Array.from(this.weight),
      delay: Float64Array.from(this.delay),
      rule: Int32Array.from(this.rule),
      falloff: Float64Array.from(this.falloff),
    };
  }
}

/** Every NetCon of the network: cell-to-cell rules (all-to-all, probability 1) then drives. */
export function buildNetcons(layout: Layout, connections: ConnectionSpec[], drives: DriveConnection[]): NetconTable {
  const b = new NetconBuilder();
  connections.forEach((c, rule) => {
    const sources = layout.positions[c.source], targets = layout.positions[c.target];
    const s0 = layout.gidStart[c.source], t0 = layout.gidStart[c.target];
    const autapses = c.allow_autapses ?? true;
    sources.forEach((from, i) =>
      targets.forEach((to, j) => {
        if (!autapses && c.source === c.target && i === j) return;
        b.add(rule, s0 + i, from, t0 + j, to, c);
      })
    );
  });
  drives.forEach((c, k) => {
    const rule = connections.length + k;
    const targets = layout.positions[c.target], t0 = layout.gidStart[c.target];
    if (c.cellSpecific) {
      targets.forEach((to, j) => b.add(rule, c.driveGids[j], layout.origin, t0 + j, to, c));
    } else {
      for (const gid of c.driveGids) targets.forEach((to, j) => b.add(rule, gid, layout.origin, t0 + j, to, c));
    }
  });
  return b.table();
}
