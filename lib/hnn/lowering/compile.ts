/**
 * Lowers a validated spec to flat arrays: one population per cell type, each a node tree in Hines order
 * (parents first) with per-node constants, initial states and per-instance stimulus windows. Kernels and the
 * float64 reference only ever see these arrays.
 */
import { compileConnectivity, type CompiledConnectivity, type NetconSource, specNetcons } from "./connectivity.ts";
import { buildTree, type CellTree } from "../cells/morphology.ts";
import {
  buildRateTables,
  ION,
  kcaRates,
  ktfHalf,
  lookup,
  type MechanismSet,
  mechanismSet,
  type RateTables,
  segmentMechs,
  STATES_PER_COMPARTMENT,
  tadjMainen,
} from "../cells/mechanisms.ts";
import { CELL_TYPES, type CellType, type ResolvedSpec } from "../spec/types.ts";
import { cellCounts } from "../network/positions.ts";

/** Per-node constants, NODE_FIELDS values per node (see NODE). */
export const NODE_FIELDS = 16;
/** Field offsets inside a node's constants. Conductances are S/cm², coefficients mA/cm²/mV. */
export const NODE = {
  /** Coupling to the parent in this node's row: 100/(ri·area), or 1/ri for a zero-area node. */
  a: 0,
  /** Coupling to this node in the parent's row: 100/(ri·area_parent), or 1/ri for a zero-area parent. */
  b: 1,
  /** Dipole weight ztan/ri (fAm per mV of parent − node voltage); 0 for cells without a dipole. */
  zcoef: 2,
  /** cm·1e-3/dt; 0 for zero-area nodes. */
  cdt: 3,
  gnabar: 4,
  gkbar: 5,
  gl: 6,
  el: 7,
  /** km: 1e-4·tadj·gbar. */
  gkm: 8,
  /** ca: 1e-4·tadj·gbar. */
  gca: 9,
  /** kca: 1e-4·tadj·gbar. */
  gkca: 10,
  gcat: 11,
  gar: 12,
  /** cad: 1 − exp(−dt/taur). */
  cadK: 13,
  cadTaur: 14,
  /** nA → mA/cm² for a point current at this node: 100/area. */
  pointScale: 15,
} as const;

/** No compartment: the node has zero area (ends of sections, root). */
export const NO_COMPARTMENT = 0xffffffff;

/** Gating-state slots inside a compartment (see STATES_PER_COMPARTMENT). */
export const SLOT = {
  hh2M: 0,
  hh2H: 1,
  hh2N: 2,
  kmN: 3,
  caM: 4,
  caH: 5,
  cai: 6,
  kcaN: 7,
  catM: 8,
  catH: 9,
  arM: 10,
  ica: 11,
} as const;

export interface CompiledPopulation {
  cellType: CellType;
  /** First gid of the type (hnn-core's gid_ranges). */
  gidStart: number;
  /** Cells of this type per network. */
  count: number;
  /** count × batch: instance i is cell i % count of network ⌊i / count⌋. */
  nInst: number;
  tree: CellTree;
  nNodes: number;
  nComp: number;
  nStates: number;
  mechs: MechanismSet;
  somaNode: number;
  /** Which layer dipole the cells add to, if any. */
  layer: "L2" | "L5" | null;
  /** nNodes × NODE_FIELDS. */
  node: Float64Array;
  /** nNodes × 2: parent (root: 0), compartment index or NO_COMPARTMENT. */
  topo: Uint32Array;
  /** Initial voltage per node. */
  v0: Float64Array;
  /** Initial gating states, nComp × nStates. */
  gates0: Float64Array;
  /** nInst × 3: IClamp amplitude (nA), first step on, first step off again. */
  stim: Float64Array;
}

export interface CompiledNetwork {
  spec: ResolvedSpec;
  batch: number;
  dt: number;
  nSteps: number;
  /** NEURON's recorded times: t accumulated by two half steps per step (no roundoff elimination). */
  tAccum: Float64Array;
  tables: RateTables;
  /** Physical constants the kernels use. */
  constants: typeof ION & { ktfHalf: number; tadj: number; threshold: number };
  populations: CompiledPopulation[];
  /** Pyramidal cells per layer per network (hnn-core's N_pyr_x · N_pyr_y, for the dipole baseline). */
  nPyramidal: number;
  /** Synapses, wiring and epoch length, shared by every network of the batch. */
  connectivity: CompiledConnectivity;
}

export interface CompileOptions {
  /** Copies of the network simulated side by side. */
  batch?: number;
  /** NetCons to wire instead of the spec's rules (e.g. a reference run's, replayed as they were built). */
  netcons?: NetconSource;
}

/** Accumulated times t_n and mid-step times t_n + dt/2 as NEURON's fixed step computes them. */
function accumulatedTimes(dt: number, nSteps: number): { t: Float64Array; mid: Float64Array } {
  const t = new Float64Array(nSteps + 1), mid = new Float64Array(nSteps);
  for (let n = 0; n < nSteps; n++) {
    mid[n] = t[n] + dt / 2;
    t[n + 1] = mid[n] + dt / 2;
  }
  return { t, mid };
}

function compilePopulation(
  type: CellType,
  gidStart: number,
  count: number,
  batch: number,
  spec: ResolvedSpec,
  tables: RateTables,
  mid: Float64Array,
): CompiledPopulation {
  const tree = buildTree(type);
  const mechs = mechanismSet(type);
  const nStates = STATES_PER_COMPARTMENT[mechs];
  const nNodes = tree.nodes.length;
  const node = new Float64Array(nNodes * NODE_FIELDS);
  const topo = new Uint32Array(nNodes * 2);
  const v0 = new Float64Array(nNodes);
  const compOf: number[] = [];
  const dt = spec.dt_ms, tadj = tadjMainen(spec.celsius);
  tree.nodes.forEach((n, i) => {
    v0[i] = n.v0;
    const comp = n.area > 0 ? compOf.length : NO_COMPARTMENT;
    if (n.area > 0) compOf.push(i);
    topo[2 * i] = Math.max(n.parent, 0);
    topo[2 * i + 1] = comp;
    const f = node.subarray(i * NODE_FIELDS, (i + 1) * NODE_FIELDS);
    if (n.parent >= 0) {
      const parentArea = tree.nodes[n.parent].area;
      // NEURON gives zero-area nodes a placeholder area of 100 µm², which turns 100/(ri·area) into 1/ri.
      f[NODE.a] = 100 / (n.ri * (n.area > 0 ? n.area : 100));
      f[NODE.b] = 100 / (n.ri * (parentArea > 0 ? parentArea : 100));
      if (tree.measureDipole) f[NODE.zcoef] = n.ztan / n.ri;
    }
    if (n.area === 0) return;
    const m = segmentMechs(type, n);
    f[NODE.cdt] = n.cm * 1e-3 / dt;
    f[NODE.gnabar] = m.hh2.gnabar;
    f[NODE.gkbar] = m.hh2.gkbar;
    f[NODE.gl] = m.hh2.gl;
    f[NODE.el] = m.hh2.el;
    f[NODE.gkm] = 1e-4 * tadj * (m.km ?? 0);
    f[NODE.gca] = 1e-4 * tadj * (m.ca ?? 0);
    f[NODE.gkca] = 1e-4 * tadj * (m.kca ?? 0);
    f[NODE.gcat] = m.cat ?? 0;
    f[NODE.gar] = m.ar ?? 0;
    if (m.cadTaur !== undefined) {
      f[NODE.cadK] = -Math.expm1(-dt / m.cadTaur);
      f[NODE.cadTaur] = m.cadTaur;
    }
    f[NODE.pointScale] = 100 / n.area;
  });
  const gates0 = new Float64Array(compOf.length * nStates);
  compOf.forEach((i, c) => {
    const v = v0[i], g = gates0.subarray(c * nStates, (c + 1) * nStates);
    // INITIAL blocks: steady state at v0 through the tables, except cat m = 0 and ar m = 0.25.
    g[SLOT.hh2M] = lookup(tables, tables.hh2, v, 0);
    g[SLOT.hh2H] = lookup(tables, tables.hh2, v, 2);
    g[SLOT.hh2N] = lookup(tables, tables.hh2, v, 4);
    if (nStates > SLOT.kmN) g[SLOT.kmN] = lookup(tables, tables.km, v, 0);
    if (nStates > SLOT.ica) {
      g[SLOT.caM] = lookup(tables, tables.ca, v, 0);
      g[SLOT.caH] = lookup(tables, tables.ca, v, 2);
      g[SLOT.cai] = ION.cainf;
      g[SLOT.kcaN] = kcaRates(ION.cainf, tadj)[0];
      g[SLOT.catM] = 0;
      g[SLOT.catH] = lookup(tables, tables.catAr, v, 2);
      g[SLOT.arM] = 0.25;
      g[SLOT.ica] = 0;
    }
  });
  const nInst = count * batch;
  const stim = new Float64Array(nInst * 3);
  const bias = spec.tonic_biases[type];
  if (bias) {
    // IClamp (stim.mod): on while del ≤ t < del + dur, t being the mid-step time of the current evaluation.
    const end = bias.t0_ms + (bias.tstop_ms - bias.t0_ms);
    let on = mid.findIndex((t) => t >= bias.t0_ms);
    if (on < 0) on = mid.length;
    let off = mid.findIndex((t) => t >= end);
    if (off < 0) off = mid.length;
    for (let k = 0; k < nInst; k++) stim.set([bias.amplitude_nA, on, Math.max(on, off)], 3 * k);
  }
  return {
    cellType: type,
    gidStart,
    count,
    nInst,
    tree,
    nNodes,
    nComp: compOf.length,
    nStates,
    mechs,
    somaNode: tree.somaNode,
    layer: type === "L2_pyramidal" ? "L2" : type === "L5_pyramidal" ? "L5" : null,
    node,
    topo,
    v0,
    gates0,
    stim,
  };
}

/** Compile a validated spec (see validateSpec) for `batch` side-by-side copies of the network. */
export function compileNetwork(spec: ResolvedSpec, options: CompileOptions = {}): CompiledNetwork {
  const batch = options.batch ?? 1;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  const dt = spec.dt_ms;
  const nSteps = Math.round(spec.tstop_ms / dt);
  const { t, mid } = accumulatedTimes(dt, nSteps);
  const tables = buildRateTables(spec.celsius);
  const counts = cellCounts(spec.mesh_shape);
  let gid = 0;
  const populations = CELL_TYPES.map((type) => {
    const pop = compilePopulation(type, gid, counts[type], batch, spec, tables, mid);
    gid += counts[type];
    return pop;
  });
  return {
    spec,
    batch,
    dt,
    nSteps,
    tAccum: t,
    tables,
    constants: {
      ...ION,
      ktfHalf: ktfHalf(spec.celsius),
      tadj: tadjMainen(spec.celsius),
      threshold: spec.threshold_mV,
    },
    populations,
    nPyramidal: counts.L2_pyramidal,
    connectivity: compileConnectivity(populations, options.netcons ?? specNetcons(spec), dt, spec.tstop_ms),
  };
}
