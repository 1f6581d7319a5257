/**
 * Host side of kernels/hnn_cells.wgsl: uploads one compiled population (all instances of one cell type) with its
 * synapses, advances it by chunks of steps (as many dispatches as the adapter needs) and reads traces and spikes
 * back.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import { loadKernel } from "../../gpu/kernels.ts";
import { type CompiledNetwork, type CompiledPopulation, NODE_FIELDS } from "../lowering/compile.ts";
import { DispatchList } from "./dispatch.ts";
import type { RateTable, RateTables } from "../cells/mechanisms.ts";
import type { SynapseSlot } from "../cells/synapses.ts";

const WORKGROUP = 64;
const MAX_WORKGROUPS_X = 65535;
const PARAM_WORDS = 44;
/** Words per synapse in the kernel's `syn` table: node, e, exp(−dt/τ1), exp(−dt/τ2). */
const SYN_WORDS = 4;
const LOOP_ITERATION_BUDGET = 65_000;
/** The kernel's MAX_NODES (private scratch per thread for the tree solve, uniform node tables) and MAX_SLOTS. */
const MAX_NODES = 128;
const MAX_SLOTS = 256;

/** vec4 groups of gating slots per compartment in the kernel's `gates` buffer. */
export function gateGroups(nStates: number): number {
  return Math.ceil(nStates / 4);
}

/** What a dispatch writes to its trace buffer. */
export const RECORD = { somaV: 1, dipole: 2 } as const;

export interface ChunkTrace {
  /** Soma voltage, steps × nInst (sample of step s is time t_{step0 + s + 1}), if recorded. */
  somaV?: Float32Array;
  /** Raw cell dipole (fAm), steps × nInst, if recorded. */
  dipole?: Float32Array;
}

export interface PopulationSpikes {
  /** Spikes per instance (may exceed what was kept, see spikeCap). */
  counts: Uint32Array;
  /** Spike steps per instance (spike at t_step), at most spikeCap each. */
  steps: Uint32Array[];
}

/** Where a population's spikes go and where its synaptic input comes from, when it is part of a network. */
export interface PopulationLinks {
  /** The network's spike log, shared by every population, and this population's first word in it. */
  spikeLog: GPUBuffer;
  spikeBase: number;
  spikeCap: number;
  /** Exp2Syn synapses of each cell. */
  slots: SynapseSlot[];
  /** Steps of synaptic input the events buffer holds (one epoch). */
  eventRows: number;
}

/** Where one run of steps writes its trace and reads its synaptic input. */
export interface RunWindow {
  /** RECORD bits. */
  record: number;
  trace: GPUBuffer;
  /** Trace row of the first step, and rows per record (soma voltage rows precede dipole rows). */
  traceRow0: number;
  traceRows: number;
  /** Events row of the first step. */
  eventRow0: number;
}

/** Words of the spike log one population needs: armed flag and count per instance, then `cap` steps each. */
export function spikeLogWords(nInst: number, cap: number): number {
  return (2 + cap) * nInst;
}

/** The default cap: one spike per 2 ms of simulated time (500 Hz). */
export function defaultSpikeCap(net: CompiledNetwork): number {
  return Math.ceil(net.nSteps * net.dt / 2) + 1;
}

/**
 * The kernel's table layout: the four tables back to back, each row padded to whole vec4s, so one 16-byte load
 * fetches four fields. Offsets in vec4s, in the order of the kernel's Params (hh2, km, ca, catar).
 */
export function tableLayout(tables: RateTables): { offsets: number[]; values: Float32Array } {
  const list = [tables.hh2, tables.km, tables.ca, tables.catAr];
  const offsets: number[] = [];
  let vec4s = 0;
  for (const t of list) {
    offsets.push(vec4s);
    vec4s += (t.n + 1) * Math.ceil(t.fields / 4);
  }
  const values = new Float32Array(4 * vec4s);
  list.forEach((t, j) => {
    const stride = 4 * Math.ceil(t.fields / 4);
    for (let row = 0; row <= t.n; row++) {
      const from = t.offset + row * t.fields;
      values.set(tables.values.subarray(from, from + t.fields), 4 * offsets[j] + row * stride);
    }
  });
  return { offsets, values };
}

function tableWords(t: RateTable, offset: number): [number, number, number, number] {
  return [offset, t.n, t.vmin, t.n / (t.vmax - t.vmin)];
}

/** One population on the device, advanced chunk by chunk. */
export class GpuPopulation {
  #step = 0;
  readonly #buffers: GPUBuffer[];
  /** Where uploadTables put each rate table (vec4s). */
  readonly #tableOffsets: number[];

  private constructor(
    readonly runtime: GpuRuntime,
    readonly net: CompiledNetwork,
    readonly pop: CompiledPopulation,
    readonly links: PopulationLinks,
    readonly pipeline: GPUComputePipeline,
    readonly tables: GPUBuffer,
    /** Synaptic input per step, slot and instance (kernels/hnn_events.wgsl fills it). */
    readonly events: GPUBuffer,
    buffers: GPUBuffer[],
  ) {
    this.#buffers = buffers;
    this.#tableOffsets = tableLayout(net.tables).offsets;
  }

  /**
   * Upload `pop`; `tables` is the network's rate-table buffer (see uploadTables), shared by populations.
   * Without `links` the cells have no synapses and a spike log of their own (defaultSpikeCap spikes each).
   */
  static async create(
    runtime: GpuRuntime,
    net: CompiledNetwork,
    pop: CompiledPopulation,
    tables: GPUBuffer,
    links?: PopulationLinks,
  ): Promise<GpuPopulation> {
    if (pop.nNodes > MAX_NODES) {
      throw new RangeError(`${pop.cellType}: ${pop.nNodes} nodes, the kernel takes ${MAX_NODES}`);
    }
    const pipeline = runtime.pipeline(cellKernel(await loadKernel("hnn_cells"), tablesAsUniform(runtime)));
    const n = pop.nInst, nn = pop.nNodes;
    const owned: GPUBuffer[] = [];
    if (!links) {
      const spikeCap = defaultSpikeCap(net);
      const spikeLog = runtime.storage(spikeLogWords(n, spikeCap) * 4);
      owned.push(spikeLog);
      links = { spikeLog, spikeBase: 0, spikeCap, slots: [], eventRows: 0 };
    }
    const nSlots = links.slots.length;
    if (nSlots > MAX_SLOTS) throw new RangeError(`${pop.cellType}: ${nSlots} synapses, the kernel takes ${MAX_SLOTS}`);
    // Instance-major initial state: V per node, then A and B of every synapse (zero).
    const state = new Float32Array((nn + 2 * nSlots) * n);
    for (let i = 0; i < nn; i++) state.fill(pop.v0[i], i * n, (i + 1) * n);
    // Gates: [compartment][group of four slots][instance][slot % 4].
    const groups = gateGroups(pop.nStates);
    const gates = new Float32Array(pop.nComp * groups * n * 4);
    pop.gates0.forEach((g, at) => {
      const comp = Math.floor(at / pop.nStates), slot = at % pop.nStates;
      const row = (comp * groups + Math.floor(slot / 4)) * n;
      for (let k = 0; k < n; k++) gates[4 * (row + k) + (slot % 4)] = g;
    });
    const stim = new Float32Array(3 * n);
    for (let k = 0; k < n; k++) for (let j = 0; j < 3; j++) stim[j * n + k] = pop.stim[3 * k + j];
    const syn = new Float32Array(MAX_SLOTS * SYN_WORDS);
    const synNodes = new Uint32Array(syn.buffer);
    links.slots.forEach((s, k) => {
      synNodes[k * SYN_WORDS] = s.node;
      syn.set(
        [s.kinetics.e, Math.exp(-net.dt / s.kinetics.tau1), Math.exp(-net.dt / s.kinetics.tau2)],
        k * SYN_WORDS + 1,
      );
    });
    const buffers = [
      // Uniform bindings of the kernel's fixed size (MAX_NODES nodes).
      runtime.uniform(padded(Float32Array, pop.node, MAX_NODES * NODE_FIELDS)),
      runtime.uniform(padded(Uint32Array, pop.topo, MAX_NODES * 2)),
      runtime.storage(state),
      runtime.storage(stim),
      runtime.uniform(syn),
      runtime.storage(Math.max(1, links.eventRows * nSlots * n) * 4),
      runtime.storage(gates),
      ...owned,
    ];
    return new GpuPopulation(runtime, net, pop, links, pipeline, tables, buffers[5], buffers);
  }

  get spikeCap(): number {
    return this.links.spikeCap;
  }

  /** Steps done so far. */
  get step(): number {
    return this.#step;
  }

  /**
   * Steps one dispatch may take. llvmpipe ends an invocation after 65,535 loop iterations in all (gallivm's
   * loop limiter; a loop of k rounds counts k + 1). One step of the kernel runs the fused solve-and-build sweep
   * (nodes), the triangularisation (nodes − 1), the synapse loop and the step loop; each dispatch adds the
   * voltages' load and store and a closing sweep: 2 × nodes + synapses + 3 per step. Measured on llvmpipe: the
   * L5 pyramidal cell (65 nodes) matched shorter dispatches at 450 steps per dispatch and stopped early at 494.
   * The formula keeps a margin of one iteration per step and 535 in all.
   */
  get maxStepsPerDispatch(): number {
    const nn = this.pop.nNodes, perStep = 2 * nn + this.links.slots.length + 4;
    return Math.max(1, Math.floor((LOOP_ITERATION_BUDGET - 3 * nn - 8) / perStep));
  }

  /**
   * Advance `steps` steps (several dispatches when needed, one read-back), recording what `record` asks for
   * (RECORD bits).
   */
  async advance(steps: number, record = 0): Promise<ChunkTrace> {
    const { runtime, pop } = this;
    const n = pop.nInst;
    const traceBytes = record === 0 ? 16 : 2 * steps * n * 4;
    const trace = runtime.storage(traceBytes);
    try {
      this.run(steps, { record, trace, traceRow0: 0, traceRows: steps, eventRow0: 0 });
      if (record === 0) return {};
      const data = new Float32Array(await runtime.read(trace, traceBytes));
      return {
        somaV: record & RECORD.somaV ? data.subarray(0, steps * n) : undefined,
        dipole: record & RECORD.dipole ? data.subarray(steps * n) : undefined,
      };
    } finally {
      trace.destroy();
    }
  }

  /**
   * Record `steps` steps (as many dispatches as the loop limit needs) into `window`'s trace; no read-back.
   * Without `list` they are submitted at once.
   */
  run(steps: number, window: RunWindow, list?: DispatchList): void {
    const own = list ?? new DispatchList(this.runtime);
    for (let s = 0; s < steps; s += this.maxStepsPerDispatch) {
      this.#dispatch(own, Math.min(this.maxStepsPerDispatch, steps - s), window, s);
    }
    if (!list) own.submit();
  }

  #dispatch(list: DispatchList, steps: number, w: RunWindow, offset: number): void {
    const { runtime, pop, net, links } = this;
    const groups = Math.ceil(pop.nInst / WORKGROUP);
    const gridX = Math.min(groups, MAX_WORKGROUPS_X);
    const words = new ArrayBuffer(PARAM_WORDS * 4);
    const u = new Uint32Array(words), f = new Float32Array(words);
    u.set([pop.nInst, pop.nNodes, pop.nStates, pop.somaNode, this.#step, steps, w.record, links.spikeCap]);
    u.set([gridX * WORKGROUP, w.traceRow0 + offset, w.traceRows, links.slots.length], 8);
    const k = net.constants;
    f.set([net.dt, k.ena, k.ek, k.eCat, k.eAr, k.cao, k.ktfHalf, k.cadDrivePerIca, k.cainf, k.tadj, k.threshold], 12);
    const t = net.tables;
    [t.hh2, t.km, t.ca, t.catAr].forEach((table, j) => {
      const [off, n, vmin, mfac] = tableWords(table, this.#tableOffsets[j]);
      u.set([off, n], 24 + 4 * j);
      f.set([vmin, mfac], 26 + 4 * j);
    });
    u[23] = links.spikeBase;
    u.set([pop.nNodes, w.eventRow0 + offset], 40);
    const params = runtime.uniform(new Uint8Array(words));
    const [node, topo, state, stim, syn, events, gates] = this.#buffers;
    list.dispatch(
      this.pipeline,
      [params, node, topo, this.tables, state, stim, w.trace, links.spikeLog, syn, events, gates],
      [gridX, Math.ceil(groups / gridX)],
      params,
    );
    this.#step += steps;
  }

  /** Read every instance's spikes so far. */
  async spikes(): Promise<PopulationSpikes> {
    const n = this.pop.nInst, { spikeLog, spikeBase } = this.links;
    const raw = new Uint32Array(await this.runtime.read(spikeLog, spikeLogWords(n, this.spikeCap) * 4, spikeBase * 4));
    return unpackSpikes(raw, n, this.spikeCap);
  }

  destroy(): void {
    for (const b of this.#buffers) b.destroy();
  }
}

/** One population's part of a spike log: counts and the kept steps per instance. */
export function unpackSpikes(raw: Uint32Array, n: number, cap: number): PopulationSpikes {
  const counts = raw.slice(n, 2 * n);
  const steps = Array.from(counts, (c, k) => {
    const kept = Math.min(c, cap);
    return Uint32Array.from({ length: kept }, (_, j) => raw[(2 + j) * n + k]);
  });
  return { counts, steps };
}

function padded<T extends Float32Array | Uint32Array>(
  kind: { new (length: number): T },
  values: ArrayLike<number>,
  length: number,
): T {
  const out = new kind(length);
  out.set(values);
  return out;
}

/** Words of the uniform rate-table binding: WebGPU's smallest maxUniformBufferBindingSize, 64 KiB. */
const UNIFORM_TABLE_WORDS = 16384;

/**
 * Whether the rate tables go to a uniform binding: on the software adapter (L5 pyramidal cells +40 % on llvmpipe),
 * not on a GPU, where threads of a warp index the tables at different voltages and a uniform (constant-cache)
 * binding serialises them (ERP network on the H100: 5× slower).
 */
export function tablesAsUniform(runtime: GpuRuntime): boolean {
  return runtime.adapterSummary.fallback;
}

function cellKernel(code: string, uniformTables: boolean): string {
  if (!uniformTables) return code;
  const storage = "@group(0) @binding(3) var<storage, read> tables: array<vec4<f32>>;";
  if (!code.includes(storage)) throw new Error("hnn_cells.wgsl: the rate-table declaration changed");
  return code.replace(
    storage,
    `@group(0) @binding(3) var<uniform> tables: array<vec4<f32>, ${UNIFORM_TABLE_WORDS / 4}>;`,
  );
}

/** The network's rate tables as one float32 buffer (uniform or storage, as the cell kernel binds them). */
export function uploadTables(runtime: GpuRuntime, net: CompiledNetwork): GPUBuffer {
  const values = tableLayout(net.tables).values;
  if (!tablesAsUniform(runtime)) return runtime.storage(values);
  if (values.length > UNIFORM_TABLE_WORDS) throw new RangeError(`${values.length} rate-table values exceed 64 KiB`);
  return runtime.uniform(padded(Float32Array, values, UNIFORM_TABLE_WORDS));
}
