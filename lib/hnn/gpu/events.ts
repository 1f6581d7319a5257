/**
 * Host side of kernels/hnn_events.wgsl: uploads the batch's wiring, rule weights and drive events once, then fills
 * the populations' events buffers per epoch from the spike log: a pass that finds each source's newest spike that
 * can land, then the delivery, which reads only the groups of NetCons that spike can reach within the epoch.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import { kernelSource, type KernelSpec } from "../../gpu/kernels.ts";
import { array, struct } from "../../gpu/layout.ts";
import { DispatchList } from "../../gpu/dispatch_list.ts";
import type { GpuPopulation } from "./cells.ts";
import type { CompiledNetwork } from "../lowering/compile.ts";
import type { NetworkInstance } from "../network/instance.ts";

/** Cell types a spike log holds (the kernel's `pops` table). */
const LOG_TYPES = 4;

/** kernels/hnn_events.wgsl's uniform. */
export const EVENTS_PARAMS = struct("Params", {
  n_inst: "u32", // target instances: count × networks
  count: "u32", // target cells per network
  gid_start: "u32", // first gid of the target type
  n_slots: "u32", // synapses per target cell
  epoch_start: "u32", // first step boundary of the epoch
  epoch_steps: "u32", // boundaries in the epoch
  n_cells: "u32", // cells per network: smaller gids are cells, the others drive cells
  n_rules: "u32", // weights per network in `weights`
  n_drive: "u32", // drive cells per network
  spike_cap: "u32", // spike steps kept per cell instance
  drive_events0: "u32", // first word of the event pairs in `drive`
  n_networks: "u32", // networks in the batch
  n_sources: "u32", // cells and drive cells per network
  pops: array("vec4<u32>", LOG_TYPES), // per cell type: first gid, cells per network, log base, instances
});

/** Bindings each entry point uses (its automatic layout holds exactly these). */
const BINDINGS = {
  by_source: [0, 1, 2, 3, 4, 5, 6, 7, 9],
  newest_spikes: [0, 4, 5, 8, 9],
} as const;

export const EVENTS_KERNEL: KernelSpec = {
  file: "hnn_events",
  structs: [EVENTS_PARAMS],
  constants: { LOG_TYPES },
};

/**
 * Drive events of every network for the kernel: offsets per (network, drive cell), then per event the step
 * u = (t − dt/2)/dt split into ⌊u⌋ (i32) and u − ⌊u⌋ (f32), so delivery rounds t + D exactly enough for ties.
 */
export function packDriveEvents(instances: NetworkInstance[], nDriveCells: number, dt: number): Uint32Array {
  const offsets = [0];
  const times: number[] = [];
  for (const inst of instances) {
    if (inst.driveEvents.length !== nDriveCells) {
      throw new Error(`a network has ${inst.driveEvents.length} drive cells, its wiring ${nDriveCells}`);
    }
    for (const cell of inst.driveEvents) {
      for (let j = 1; j < cell.length; j++) if (cell[j] < cell[j - 1]) throw new Error("drive events must be sorted");
      times.push(...cell);
      offsets.push(times.length);
    }
  }
  const words = new Uint32Array(offsets.length + 2 * times.length);
  words.set(offsets);
  const ints = new Int32Array(words.buffer), fracs = new Float32Array(words.buffer);
  times.forEach((t, i) => {
    const u = (t - dt / 2) / dt, whole = Math.floor(u);
    ints[offsets.length + 2 * i] = whole;
    fracs[offsets.length + 2 * i + 1] = u - whole;
  });
  return words;
}

/** The cell types' places in the spike log, as the kernel's `pops` table wants them. */
export interface LogLayout {
  gidStart: number;
  count: number;
  spikeBase: number;
  nInst: number;
}

/** The buffers bound at kernels/hnn_events.wgsl's bindings 1 … 9 (0 is the epoch's uniform). */
interface EventBuffers {
  incoming: GPUBuffer;
  rows: GPUBuffer;
  weights: GPUBuffer;
  spikes: GPUBuffer;
  drive: GPUBuffer;
  groups: GPUBuffer;
  shortest: GPUBuffer;
  newest: GPUBuffer;
}

export class GpuEventGather {
  readonly #owned: GPUBuffer[];
  /** Sources per network (cells, then drive cells): `buffers.newest` holds one i32 per network and source. */
  readonly sources: number;

  private constructor(
    readonly runtime: GpuRuntime,
    readonly net: CompiledNetwork,
    readonly pipelines: { deliver: GPUComputePipeline; newest: GPUComputePipeline },
    readonly logLayout: LogLayout[],
    readonly spikeCap: number,
    readonly driveEvents0: number,
    readonly buffers: EventBuffers,
  ) {
    const { spikes: _, ...owned } = buffers;
    this.#owned = Object.values(owned);
    this.sources = net.connectivity.cells + net.connectivity.nDriveCells;
  }

  static async create(
    runtime: GpuRuntime,
    net: CompiledNetwork,
    instances: NetworkInstance[],
    spikeLog: GPUBuffer,
    logLayout: LogLayout[],
    spikeCap: number,
  ): Promise<GpuEventGather> {
    const c = net.connectivity;
    if (instances.length !== net.batch) throw new Error(`${instances.length} instances for a batch of ${net.batch}`);
    const weights = new Float32Array(net.batch * c.nRules);
    instances.forEach((inst, b) => {
      if (inst.ruleWeights.length !== c.nRules) {
        throw new Error(`network ${b} has ${inst.ruleWeights.length} rule weights, the wiring ${c.nRules}`);
      }
      weights.set(Array.from(inst.ruleWeights), b * c.nRules);
    });
    const drive = packDriveEvents(instances, c.nDriveCells, net.dt);
    if (logLayout.length > LOG_TYPES) {
      throw new Error(`${logLayout.length} cell types, the spike log takes ${LOG_TYPES}`);
    }
    const code = await kernelSource(EVENTS_KERNEL);
    const pipelines = {
      deliver: runtime.pipeline(code, "by_source"),
      newest: runtime.pipeline(code, "newest_spikes"),
    };
    const nonEmpty = (a: Uint32Array | Float32Array) => a.length > 0 ? a : new Uint32Array(1);
    const buffers: EventBuffers = {
      incoming: runtime.storage(c.wiring.offsets),
      rows: runtime.storage(nonEmpty(c.rows)),
      weights: runtime.storage(nonEmpty(weights)),
      spikes: spikeLog,
      drive: runtime.storage(drive),
      groups: runtime.storage(c.groups),
      shortest: runtime.storage(nonEmpty(c.shortestDelay)),
      newest: runtime.storage(Math.max(1, net.batch * (c.cells + c.nDriveCells)) * 4),
    };
    const driveEvents0 = net.batch * c.nDriveCells + 1;
    return new GpuEventGather(runtime, net, pipelines, logLayout, spikeCap, driveEvents0, buffers);
  }

  /**
   * Fill the events buffers of `targets` (populations with synapses) for the epoch of `steps` boundaries starting
   * at `epochStart` (each zeroed first, then the kernel adds each delivery): recorded into `list`, or submitted at
   * once without one.
   */
  gather(targets: GpuPopulation[], epochStart: number, steps: number, list?: DispatchList): void {
    const own = list ?? new DispatchList();
    const first = this.#params(undefined, epochStart, steps);
    const grid = this.runtime.grid(this.net.batch * this.sources);
    own.add(this.pipelines.newest, [this.#bind(this.pipelines.newest, "newest_spikes", first)], grid).release(first);
    for (const target of targets) {
      const pop = target.pop;
      const params = this.#params(target, epochStart, steps);
      // The kernel only adds events: the epoch's rows start from zero.
      own.clear(target.events, steps * target.links.slots.length * pop.nInst * 4);
      const bound = this.#bind(this.pipelines.deliver, "by_source", params, target.events);
      own.add(this.pipelines.deliver, [bound], this.runtime.grid(pop.nInst)).release(params);
    }
    if (!list) own.submit(this.runtime.device);
  }

  /** The epoch's uniform; the target fields stay zero for the newest-spike pass. */
  #params(target: GpuPopulation | undefined, epochStart: number, steps: number): GPUBuffer {
    const c = this.net.connectivity;
    // Types the log does not hold stay zero.
    const pops = new Uint32Array(4 * LOG_TYPES);
    this.logLayout.forEach((l, p) => pops.set([l.gidStart, l.count, l.spikeBase, l.nInst], 4 * p));
    return this.runtime.uniform(EVENTS_PARAMS.pack({
      n_inst: target?.pop.nInst ?? 0,
      count: target?.pop.count ?? 0,
      gid_start: target?.pop.gidStart ?? 0,
      n_slots: target?.links.slots.length ?? 0,
      epoch_start: epochStart,
      epoch_steps: steps,
      n_cells: c.cells,
      n_rules: c.nRules,
      n_drive: c.nDriveCells,
      spike_cap: this.spikeCap,
      drive_events0: this.driveEvents0,
      n_networks: this.net.batch,
      n_sources: c.cells + c.nDriveCells,
      pops,
    }));
  }

  /** A bind group of the buffers `entry` uses, at their binding numbers. */
  #bind(
    pipeline: GPUComputePipeline,
    entry: keyof typeof BINDINGS,
    params: GPUBuffer,
    events?: GPUBuffer,
  ): GPUBindGroup {
    const b = this.buffers;
    const at = [params, b.incoming, b.rows, b.weights, b.spikes, b.drive, events, b.groups, b.shortest, b.newest];
    return this.runtime.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: BINDINGS[entry].map((binding) => ({ binding, resource: { buffer: at[binding]! } })),
    });
  }

  destroy(): void {
    for (const b of this.#owned) b.destroy();
  }
}
