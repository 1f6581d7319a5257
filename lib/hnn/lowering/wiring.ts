/**
 * NetCons lowered for the GPU: for every target cell, its incoming connections (CSR by target gid) with the
 * synapse slot they drive, the delivery delay in steps, and the index of the rule whose per-instance weight scales
 * them, grouped by source (source_groups.ts). NetCons whose events could only arrive after tstop are dropped.
 */
import type { NetconTable } from "../network/connections.ts";
import { groupBySource } from "./source_groups.ts";

export interface Wiring {
  /** Incoming NetCons of target gid g are rows offsets[g] .. offsets[g + 1] − 1. */
  offsets: Uint32Array;
  /**
   * Target gid g's rows form groups groupOffsets[g] .. groupOffsets[g + 1] − 1, each of one source (`groupSrc`),
   * ending (exclusive) at row `groupEnd`; the first starts at offsets[g].
   */
  groupOffsets: Uint32Array;
  groupSrc: Uint32Array;
  groupEnd: Uint32Array;
  src: Uint32Array;
  /** Synapse slot index within the target cell's type. */
  slot: Uint32Array;
  /**
   * Cell sources: steps from the spike's detection step to delivery. Drive sources: ⌊D/dt⌋, with the fraction in
   * `delayFrac` (drive events are exact times, so delivery rounds event time plus delay, not each alone).
   */
  delaySteps: Uint32Array;
  /** Drive sources: D/dt − ⌊D/dt⌋; cell sources: 0. */
  delayFrac: Float32Array;
  /** Rule index (cell rules, then drive connections): the per-instance weight that multiplies `falloff`. */
  rule: Uint32Array;
  /** exp(−d²/λ²): weight per unit rule weight. */
  falloff: Float32Array;
  /** Smallest cell-to-cell delivery delay, steps: how many steps can run between spike exchanges. */
  minCellDelaySteps: number;
  /** NetCons dropped because no event could arrive before tstop. */
  pruned: number;
}

/**
 * Steps from a cell spike to its delivery (hnn-model.md §6.1): a spike detected at step boundary s with delay D
 * is applied at boundary s + ceil((D + 1e-10 − dt/2)/dt); the 1e-10 is NEURON's spike-time offset.
 */
export function cellDelaySteps(delayMs: number, dt: number): number {
  return Math.max(1, Math.ceil((delayMs + 1e-10 - dt / 2) / dt));
}

export function buildWiring(
  netcons: NetconTable,
  options: {
    cells: number;
    sources: number;
    dt: number;
    tstop: number;
    /** Slot index of a synapse name on the target gid's cell type. */
    slotOf: (targetGid: number, synapse: string) => number;
  },
): Wiring {
  const { cells, dt, tstop } = options;
  const keep: number[] = [];
  let pruned = 0;
  for (let i = 0; i < netcons.src.length; i++) {
    if (netcons.delay[i] > tstop) pruned++;
    else keep.push(i);
  }
  keep.sort((a, b) => netcons.tgt[a] - netcons.tgt[b] || a - b);
  const offsets = new Uint32Array(cells + 1);
  for (const i of keep) offsets[netcons.tgt[i] + 1]++;
  for (let g = 0; g < cells; g++) offsets[g + 1] += offsets[g];
  // Each target's rows, regrouped by source with every slot's rows in NetCon order.
  const groupOffsets = new Uint32Array(cells + 1);
  const groupSrc: number[] = [], groupEnd: number[] = [];
  for (let g = 0; g < cells; g++) {
    const mine = keep.slice(offsets[g], offsets[g + 1]);
    const { order, groups } = groupBySource(mine.map((i) => netcons.src[i]), mine.map((i) => netcons.synapse[i]));
    order.forEach((at, r) => keep[offsets[g] + r] = mine[at]);
    for (const group of groups) {
      groupSrc.push(group.src);
      groupEnd.push(offsets[g] + group.end);
    }
    groupOffsets[g + 1] = groupSrc.length;
  }
  const n = keep.length;
  const w: Wiring = {
    offsets,
    groupOffsets,
    groupSrc: Uint32Array.from(groupSrc),
    groupEnd: Uint32Array.from(groupEnd),
    src: new Uint32Array(n),
    slot: new Uint32Array(n),
    delaySteps: new Uint32Array(n),
    delayFrac: new Float32Array(n),
    rule: new Uint32Array(n),
    falloff: new Float32Array(n),
    minCellDelaySteps: Infinity,
    pruned,
  };
  keep.forEach((i, row) => {
    const src = netcons.src[i];
    if (src >= options.sources) throw new Error(`NetCon source gid ${src} is outside the network`);
    w.src[row] = src;
    w.slot[row] = options.slotOf(netcons.tgt[i], netcons.synapse[i]);
    if (src < cells) {
      const steps = cellDelaySteps(netcons.delay[i], dt);
      w.delaySteps[row] = steps;
      w.minCellDelaySteps = Math.min(w.minCellDelaySteps, steps);
    } else {
      const steps = netcons.delay[i] / dt;
      w.delaySteps[row] = Math.floor(steps);
      w.delayFrac[row] = steps - Math.floor(steps);
    }
    w.rule[row] = netcons.rule[i];
    w.falloff[row] = netcons.falloff[i];
  });
  if (!Number.isFinite(w.minCellDelaySteps)) w.minCellDelaySteps = Math.max(1, Math.round(tstop / dt));
  return w;
}
