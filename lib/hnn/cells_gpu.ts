/**
 * Host side of kernels/hnn_cells.wgsl: uploads one compiled population (all instances of one cell type),
 * advances it by chunks of steps (as many dispatches as the adapter needs) and reads traces and spikes back.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import { loadKernel } from "../gpu/kernels.ts";
import type { CompiledNetwork, CompiledPopulation } from "./compile.ts";
import type { RateTable } from "./mechanisms.ts";

const WORKGROUP = 64;
const MAX_WORKGROUPS_X = 65535;
const PARAM_WORDS = 40;
const LOOP_ITERATION_BUDGET = 65_000;
/** The kernel's MAX_NODES: private scratch per thread for the tree solve. */
const MAX_NODES = 128;

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

function tableWords(t: RateTable): [number, number, number, number] {
  return [t.offset, t.n, t.vmin, t.n / (t.vmax - t.vmin)];
}

/** One population on the device, advanced chunk by chunk. */
export class GpuPopulation {
  #step = 0;
  readonly #buffers: GPUBuffer[];

  private constructor(
    readonly runtime: GpuRuntime,
    readonly net: CompiledNetwork,
    readonly pop: CompiledPopulation,
    readonly spikeCap: number,
    readonly pipeline: GPUComputePipeline,
    readonly tables: GPUBuffer,
    private readonly state: GPUBuffer,
    private readonly spikesBuffer: GPUBuffer,
    buffers: GPUBuffer[],
  ) {
    this.#buffers = buffers;
  }

  /**
   * Upload `pop`; `tables` is the network's rate-table buffer (see uploadTables), shared by populations.
   * `spikeCap` spikes are kept per instance: by default one per 2 ms of simulated time (500 Hz).
   */
  static async create(
    runtime: GpuRuntime,
    net: CompiledNetwork,
    pop: CompiledPopulation,
    tables: GPUBuffer,
    spikeCap = Math.ceil(net.nSteps * net.dt / 2) + 1,
  ): Promise<GpuPopulation> {
    if (pop.nNodes > MAX_NODES) {
      throw new RangeError(`${pop.cellType}: ${pop.nNodes} nodes, the kernel takes ${MAX_NODES}`);
    }
    const pipeline = runtime.pipeline(await loadKernel("hnn_cells"));
    const n = pop.nInst, nn = pop.nNodes;
    // Instance-major initial state: V per node, then every gate slot.
    const state = new Float32Array((nn + pop.nComp * pop.nStates) * n);
    for (let i = 0; i < nn; i++) state.fill(pop.v0[i], i * n, (i + 1) * n);
    pop.gates0.forEach((g, slot) => state.fill(g, (nn + slot) * n, (nn + slot + 1) * n));
    const stim = new Float32Array(3 * n);
    for (let k = 0; k < n; k++) for (let j = 0; j < 3; j++) stim[j * n + k] = pop.stim[3 * k + j];
    const buffers = [
      runtime.storage(Float32Array.from(pop.node)),
      runtime.storage(pop.topo),
      runtime.storage(state),
      runtime.storage(stim),
      runtime.storage((2 + spikeCap) * n * 4),
    ];
    return new GpuPopulation(runtime, net, pop, spikeCap, pipeline, tables, buffers[2], buffers[4], buffers);
  }

  /** Steps done so far. */
  get step(): number {
    return this.#step;
  }

  /**
   * Steps one dispatch may take. llvmpipe ends an invocation after 65,535 loop iterations in all (gallivm's
   * loop limiter), and one step of the kernel takes about 3 iterations per node.
   */
  get maxStepsPerDispatch(): number {
    return Math.max(1, Math.floor(LOOP_ITERATION_BUDGET / (3 * this.pop.nNodes + 1)));
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
      for (let row = 0; row < steps; row += this.maxStepsPerDispatch) {
        this.#dispatch(Math.min(this.maxStepsPerDispatch, steps - row), record, trace, row, steps);
      }
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

  #dispatch(steps: number, record: number, trace: GPUBuffer, row0: number, rows: number): void {
    const { runtime, pop, net } = this;
    const groups = Math.ceil(pop.nInst / WORKGROUP);
    const gridX = Math.min(groups, MAX_WORKGROUPS_X);
    const words = new ArrayBuffer(PARAM_WORDS * 4);
    const u = new Uint32Array(words), f = new Float32Array(words);
    u.set([pop.nInst, pop.nNodes, pop.nStates, pop.somaNode, this.#step, steps, record, this.spikeCap]);
    u.set([gridX * WORKGROUP, row0, rows], 8);
    const k = net.constants;
    f.set([net.dt, k.ena, k.ek, k.eCat, k.eAr, k.cao, k.ktfHalf, k.cadDrivePerIca, k.cainf, k.tadj, k.threshold], 12);
    const t = net.tables;
    [t.hh2, t.km, t.ca, t.catAr].forEach((table, j) => {
      const [off, n, vmin, mfac] = tableWords(table);
      u.set([off, n], 24 + 4 * j);
      f.set([vmin, mfac], 26 + 4 * j);
    });
    const params = runtime.uniform(new Uint8Array(words));
    const [node, topo, , stim] = this.#buffers;
    runtime.run(this.pipeline, [params, node, topo, this.tables, this.state, stim, trace, this.spikesBuffer], [
      gridX,
      Math.ceil(groups / gridX),
    ]);
    this.#step += steps;
    // Destroying after submit is safe: WebGPU keeps the buffer alive until the queued work is done.
    params.destroy();
  }

  /** Read every instance's spikes so far. */
  async spikes(): Promise<PopulationSpikes> {
    const n = this.pop.nInst;
    const raw = new Uint32Array(await this.runtime.read(this.spikesBuffer, (2 + this.spikeCap) * n * 4));
    const counts = raw.slice(n, 2 * n);
    const steps = Array.from(counts, (c, k) => {
      const kept = Math.min(c, this.spikeCap);
      return Uint32Array.from({ length: kept }, (_, j) => raw[(2 + j) * n + k]);
    });
    return { counts, steps };
  }

  destroy(): void {
    for (const b of this.#buffers) b.destroy();
  }
}

/** The network's rate tables as one float32 storage buffer. */
export function uploadTables(runtime: GpuRuntime, net: CompiledNetwork): GPUBuffer {
  return runtime.storage(Float32Array.from(net.tables.values));
}
