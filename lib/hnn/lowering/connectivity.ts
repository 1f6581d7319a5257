/**
 * Lowers a network's NetCons for the GPU: the Exp2Syn slots each cell type needs, the wiring by target (CSR) and
 * its rows packed as kernels/hnn_events.wgsl reads them (with their groups by source and their delays' bounds), and
 * the epoch length (steps between spike exchanges).
 */
import { buildNetcons, type NetconTable } from "../network/connections.ts";
import { driveConnections, driveGidRanges } from "../network/drives.ts";
import { cellLayout } from "../network/positions.ts";
import { type SynapseSlot, synapseSlots } from "../cells/synapses.ts";
import { buildWiring, type Wiring } from "./wiring.ts";
import { groupLongestDelay, sourceShortestDelay } from "./source_groups.ts";
import type { CellTree } from "../cells/morphology.ts";
import type { CellType, ResolvedSpec } from "../spec/types.ts";

/** Words per NetCon row in the GPU's table (kernels/hnn_events.wgsl ROW). */
export const ROW_WORDS = 6;
/** Words per group of rows in the GPU's table (kernels/hnn_events.wgsl GROUP). */
export const GROUP_WORDS = 3;
/**
 * Longest epoch: networks whose cell-to-cell delays are all long (or absent) still exchange spikes and fill the
 * events buffer (epoch × synapses × instances) at least this often.
 */
const MAX_EPOCH_STEPS = 200;

/** NetCons and what scales them: each row's weight is ruleWeights[rule]·falloff, per network. */
export interface NetconSource {
  table: NetconTable;
  /** Rules (per-network weights) the rows refer to. */
  nRules: number;
  /** Artificial drive cells per network; their gids follow the cells'. */
  nDriveCells: number;
}

/** What wiring needs of a population (a compiled one has these and more): its cells' type, gids and tree. */
export interface PopulationCells {
  cellType: CellType;
  /** First gid of the type. */
  gidStart: number;
  /** Cells of this type per network. */
  count: number;
  tree: CellTree;
}

export interface CompiledConnectivity extends NetconSource {
  wiring: Wiring;
  /** Synapse slots of each population (same order as the network's populations). */
  slots: SynapseSlot[][];
  /** Steps advanced between spike exchanges: at most the shortest cell-to-cell delivery delay. */
  epochSteps: number;
  /** ROW_WORDS per wiring row: source gid, slot, delay steps, rule, f32 falloff·factor, f32 delay fraction. */
  rows: Uint32Array;
  /**
   * The wiring's groups by source as the kernel reads them: cells + 1 group offsets, then GROUP_WORDS per group
   * (source, end row, longest delivery steps: source_groups.ts `groupLongestDelay`).
   */
  groups: Uint32Array;
  /** Per source gid (cells, then drive cells): its shortest delivery steps (source_groups.ts `sourceShortestDelay`). */
  shortestDelay: Uint32Array;
  /** Cells per network. */
  cells: number;
}

/** The NetCons of a spec's connection rules and drives: cell rules first, then drive connections. */
export function specNetcons(spec: ResolvedSpec): NetconSource {
  const layout = cellLayout(spec.mesh_shape);
  const drives = driveConnections(spec.drives, layout);
  const ranges = driveGidRanges(spec.drives, layout);
  return {
    table: buildNetcons(layout, spec.connections, drives),
    nRules: spec.connections.length + drives.length,
    nDriveCells: ranges.length > 0 ? ranges[ranges.length - 1][1] - layout.cells : 0,
  };
}

export function compileConnectivity(
  populations: PopulationCells[],
  source: NetconSource,
  dt: number,
  tstop: number,
): CompiledConnectivity {
  const { table } = source;
  const cells = populations.reduce((n, p) => n + p.count, 0);
  const popOf = (gid: number) => {
    const pop = populations.findIndex((p) => gid >= p.gidStart && gid < p.gidStart + p.count);
    if (pop < 0) throw new Error(`NetCon target gid ${gid} is not a cell of the network`);
    return pop;
  };
  const names = populations.map(() => new Set<string>());
  table.tgt.forEach((gid, i) => names[popOf(gid)].add(table.synapse[i]));
  const slots = populations.map((p, k) => synapseSlots(p.cellType, p.tree, names[k]));
  const slotIndex = slots.map((list) => new Map(list.map((s, i) => [s.name, i])));
  const wiring = buildWiring(table, {
    cells,
    sources: cells + source.nDriveCells,
    dt,
    tstop,
    slotOf: (gid, synapse) => slotIndex[popOf(gid)].get(synapse)!,
  });
  for (let r = 0; r < table.rule.length; r++) {
    if (table.rule[r] < 0 || table.rule[r] >= source.nRules) throw new Error(`NetCon ${r}: rule ${table.rule[r]}`);
  }
  const n = wiring.src.length;
  const rows = new Uint32Array(n * ROW_WORDS);
  const floats = new Float32Array(rows.buffer);
  for (let g = 0; g < cells; g++) {
    const factors = slots[popOf(g)].map((s) => s.factor);
    for (let r = wiring.offsets[g]; r < wiring.offsets[g + 1]; r++) {
      rows.set([wiring.src[r], wiring.slot[r], wiring.delaySteps[r], wiring.rule[r]], r * ROW_WORDS);
      floats[r * ROW_WORDS + 4] = wiring.falloff[r] * factors[wiring.slot[r]];
      floats[r * ROW_WORDS + 5] = wiring.delayFrac[r];
    }
  }
  const groups = new Uint32Array(cells + 1 + GROUP_WORDS * wiring.groupSrc.length);
  groups.set(wiring.groupOffsets);
  for (let t = 0; t < cells; t++) {
    let first = wiring.offsets[t];
    for (let g = wiring.groupOffsets[t]; g < wiring.groupOffsets[t + 1]; g++) {
      const src = wiring.groupSrc[g], end = wiring.groupEnd[g];
      groups.set([src, end, groupLongestDelay(wiring, first, end, src >= cells)], cells + 1 + GROUP_WORDS * g);
      first = end;
    }
  }
  const shortestDelay = sourceShortestDelay(wiring, cells + source.nDriveCells);
  const epochSteps = Math.max(1, Math.min(wiring.minCellDelaySteps, MAX_EPOCH_STEPS, Math.round(tstop / dt)));
  return { ...source, wiring, slots, epochSteps, rows, groups, shortestDelay, cells };
}
