/**
 * Host side of kernels/hnn_events.wgsl: uploads the batch's wiring, rule weights and drive events once, then fills
 * one population's events buffer per epoch from the spike log.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import { loadKernel } from "../../gpu/kernels.ts";
import type { GpuPopulation } from "./cells.ts";
import type { CompiledNetwork } from "../lowering/compile.ts";
import { DispatchList } from "./dispatch.ts";
import type { NetworkInstance } from "../network/instance.ts";

const WORKGROUP = 64;
const MAX_WORKGROUPS_X = 65535;
const PARAM_WORDS = 28;

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
    const pipeline = runtime.pipeline(await loadKernel("hnn_events"));
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
   * Fill `target`'s events buffer for the epoch of `steps` boundaries starting at `epochStart`: recorded into
   * `list`, or submitted at once without one.
   */
  gather(target: GpuPopulation, epochStart: number, steps: number, list?: DispatchList): void {
    const { runtime, net } = this;
    const pop = target.pop, c = net.connectivity;
    const groups = Math.ceil(pop.nInst / WORKGROUP);
    const gridX = Math.min(groups, MAX_WORKGROUPS_X);
    const u = new Uint32Array(PARAM_WORDS);
    u.set([pop.nInst, pop.count, pop.gidStart, target.links.slots.length, epochStart, steps, c.cells, c.nRules]);
    u.set([c.nDriveCells, this.spikeCap, gridX * WORKGROUP, this.driveEvents0], 8);
    this.logLayout.forEach((l, p) => u.set([l.gidStart, l.count, l.spikeBase, l.nInst], 12 + 4 * p));
    const params = runtime.uniform(u);
    const [incoming, rows, weights, drive] = this.#buffers;
    const own = list ?? new DispatchList(runtime);
    own.dispatch(
      this.pipeline,
      [params, incoming, rows, weights, this.spikeLog, drive, target.events],
      [gridX, Math.ceil(groups / gridX)],
      params,
    );
    if (!list) own.submit();
  }

  destroy(): void {
    for (const b of this.#buffers) b.destroy();
  }
}
