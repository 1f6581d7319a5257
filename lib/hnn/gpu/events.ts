/**
 * Host side of kernels/hnn_events.wgsl: uploads the batch's wiring, rule weights and drive events once, then fills
 * one population's events buffer per epoch from the spike log.
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
  pops: array("vec4<u32>", LOG_TYPES), // per cell type: first gid, cells per network, log base, instances
});

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

export class GpuEventGather {
  readonly #buffers: GPUBuffer[];

  private constructor(
    readonly runtime: GpuRuntime,
    readonly net: CompiledNetwork,
    readonly pipeline: GPUComputePipeline,
    readonly logLayout: LogLayout[],
    readonly spikeLog: GPUBuffer,
    readonly spikeCap: number,
    readonly driveEvents0: number,
    buffers: GPUBuffer[],
  ) {
    this.#buffers = buffers;
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
    const pipeline = runtime.pipeline(await kernelSource(EVENTS_KERNEL));
    const buffers = [
      runtime.storage(c.wiring.offsets),
      runtime.storage(c.rows.length > 0 ? c.rows : new Uint32Array(1)),
      runtime.storage(weights.length > 0 ? weights : new Float32Array(1)),
      runtime.storage(drive),
    ];
    const driveEvents0 = net.batch * c.nDriveCells + 1;
    return new GpuEventGather(runtime, net, pipeline, logLayout, spikeLog, spikeCap, driveEvents0, buffers);
  }

  /**
   * Fill `target`'s events buffer for the epoch of `steps` boundaries starting at `epochStart` (zeroed first, then
   * the kernel adds each delivery): recorded into `list`, or submitted at once without one.
   */
  gather(target: GpuPopulation, epochStart: number, steps: number, list?: DispatchList): void {
    const { runtime, net } = this;
    const pop = target.pop, c = net.connectivity;
    // Types the log does not hold stay zero.
    const pops = new Uint32Array(4 * LOG_TYPES);
    this.logLayout.forEach((l, p) => pops.set([l.gidStart, l.count, l.spikeBase, l.nInst], 4 * p));
    const params = runtime.uniform(EVENTS_PARAMS.pack({
      n_inst: pop.nInst,
      count: pop.count,
      gid_start: pop.gidStart,
      n_slots: target.links.slots.length,
      epoch_start: epochStart,
      epoch_steps: steps,
      n_cells: c.cells,
      n_rules: c.nRules,
      n_drive: c.nDriveCells,
      spike_cap: this.spikeCap,
      drive_events0: this.driveEvents0,
      pops,
    }));
    const [incoming, rows, weights, drive] = this.#buffers;
    const own = list ?? new DispatchList();
    // The kernel only adds events: the epoch's rows start from zero.
    own.clear(target.events, steps * target.links.slots.length * pop.nInst * 4);
    const buffers = [params, incoming, rows, weights, this.spikeLog, drive, target.events];
    own.add(this.pipeline, [runtime.bind(this.pipeline, buffers)], runtime.grid(pop.nInst)).release(params);
    if (!list) own.submit(runtime.device);
  }

  destroy(): void {
    for (const b of this.#buffers) b.destroy();
  }
}
