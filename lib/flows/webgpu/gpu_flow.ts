/**
 * A ConditionalFlow's parameters, optimiser state and datasets held on the GPU, with the steps that train it and
 * evaluate it there. The tfjs flow stays the definition (structure, initialisation, parameter names); weights go
 * back and forth as the same named arrays, so posterior files do not depend on the path that trained them.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";
import type { ConditionalFlow } from "../flow.ts";
import type { AdamState } from "../../train/adam.ts";
import type { NamedArray } from "../parameters.ts";
import { buildFlowGraph, type FlowGraph, type OptimizerSettings } from "./flow_graph.ts";
import { type Dispatch, ParameterLayout } from "./graph.ts";
import { DispatchList } from "../../gpu/dispatch_list.ts";
import { FLOW_STEP, FlowPipelines, MODEL_BINDINGS } from "./pipelines.ts";
import { DeviceShuffle } from "./device_shuffle.ts";
import type { EpochShuffle } from "../../train/epoch_order.ts";

/** Row-major θ and x of one dataset. */
export interface GpuRows {
  theta: Float32Array;
  x: Float32Array;
  rows: number;
}

/** Rows [firstRow, firstRow + rows) of a dataset, in buffers that fit one storage binding. */
interface Chunk {
  bindGroup: GPUBindGroup;
  gather: { ordered: Dispatch; plain: Dispatch };
}

interface Dataset {
  rows: number;
  order: GPUBuffer;
  chunks: Chunk[];
  /** Everything to destroy with the dataset. */
  buffers: GPUBuffer[];
}

/** Bytes one storage binding may hold (the adapter's limit by default); datasets may be held to less. */
export interface BindingLimits {
  bindingBytes?: number;
  datasetBindingBytes?: number;
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

export class GpuFlow {
  readonly #runtime: GpuRuntime;
  readonly #layout: ParameterLayout;
  readonly #graph: FlowGraph;
  readonly #pipelines: FlowPipelines;
  readonly #shuffle: DeviceShuffle;
  readonly #buffers: Record<"params" | "grads" | "acts" | "consts" | "moments", GPUBuffer>;
  readonly #step: GPUBuffer;
  readonly #datasets = new Map<string, Dataset>();
  readonly #optimizer: OptimizerSettings;
  readonly #datasetBindingBytes: number;
  /** Adam's step count t. */
  #updates = 0;
  #lost?: string;

  private constructor(
    runtime: GpuRuntime,
    pipelines: FlowPipelines,
    shuffle: DeviceShuffle,
    readonly flow: ConditionalFlow,
    weights: NamedArray[],
    readonly rowsCap: number,
    optimizer: OptimizerSettings,
    limits: Required<BindingLimits>,
  ) {
    this.#runtime = runtime;
    this.#pipelines = pipelines;
    this.#shuffle = shuffle;
    this.#optimizer = optimizer;
    this.#layout = new ParameterLayout(weights);
    this.#graph = buildFlowGraph(pipelines, flow, this.#layout, rowsCap, optimizer);
    const count = this.#layout.count;
    const arenaBytes = this.#graph.builder.arenaFloats * 4;
    this.#datasetBindingBytes = limits.datasetBindingBytes;
    if (arenaBytes > limits.bindingBytes) {
      this.#graph.builder.destroy();
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
      throw new RangeError(
        `a step of ${rowsCap} rows needs ${mib(arenaBytes)} MiB of activations, over this adapter's storage binding ` +
          `limit of ${mib(limits.bindingBytes)} MiB: use a smaller batch`,
      );
    }
    this.#buffers = {
      params: runtime.storage(this.#layout.flatten(weights)),
      grads: runtime.storage(count * 4),
      acts: runtime.storage(this.#graph.builder.arenaFloats * 4),
      consts: runtime.storage(this.#graph.builder.consts),
      moments: runtime.storage((2 * count + 1 + this.#graph.builder.partialFloats) * 4),
    };
    this.#step = runtime.device.createBuffer({
      size: FLOW_STEP.uniformBytes,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    runtime.device.lost.then((info) => {
      this.#lost = info.message || info.reason || "unknown reason";
    });
  }

  /**
   * The flow's current weights on the GPU; a step handles at most `rowsCap` rows. Storage bindings stay within the
   * adapter's limit (or `limits`): datasets are split into chunks that fit. `tileRows` sets the dense kernels' rows
   * per thread (default: the adapter's, pipelines.ts).
   */
  static async create(
    runtime: GpuRuntime,
    flow: ConditionalFlow,
    rowsCap: number,
    optimizer: Partial<OptimizerSettings> = {},
    limits: BindingLimits = {},
    tileRows?: number,
  ): Promise<GpuFlow> {
    if (!Number.isInteger(rowsCap) || rowsCap < 1) throw new RangeError(`rows per step must be ≥ 1, got ${rowsCap}`);
    const pipelines = await FlowPipelines.load(runtime, tileRows);
    const shuffle = await DeviceShuffle.load(runtime);
    const settings = { learningRate: 5e-4, clipMaxNorm: 5, ...ADAM_DEFAULTS, ...optimizer };
    const weights = await flow.parameters.read();
    const bindingBytes = limits.bindingBytes ?? runtime.maxBindingBytes;
    const all = { bindingBytes, datasetBindingBytes: limits.datasetBindingBytes ?? bindingBytes };
    return new GpuFlow(runtime, pipelines, shuffle, flow, weights, rowsCap, settings, all);
  }

  get parameterCount(): number {
    return this.#layout.count;
  }

  /**
   * Dispatches of one training step of `rows` rows (for the benchmark's report), the gather of a one-chunk dataset
   * included: a batch over ROW_BLOCK rows sums weight gradients in two kernels instead of one.
   */
  dispatchesPerStep(rows: number): number {
    return 1 + this.#graph.train.filter(({ groups }) => groups(rows).every((n) => n > 0)).length;
  }

  /** Upload a dataset under `name` (replacing one of that name); `orderRows` sizes its row-order buffer. */
  setDataset(name: string, data: GpuRows, orderRows = data.rows): void {
    const { thetaDim, xDim } = this.flow.config;
    if (data.theta.length !== data.rows * thetaDim || data.x.length !== data.rows * xDim) {
      throw new Error(`dataset ${name}: θ and x do not hold ${data.rows} rows of ${thetaDim} and ${xDim} values`);
    }
    this.deleteDataset(name);
    const order = this.#runtime.storage(Math.max(1, orderRows) * 4);
    const dataset: Dataset = { rows: data.rows, order, chunks: [], buffers: [order] };
    this.#datasets.set(name, dataset);
    const perChunk = Math.max(1, Math.floor(this.#datasetBindingBytes / (4 * Math.max(thetaDim, xDim))));
    for (let first = 0; first === 0 || first < data.rows; first += perChunk) {
      const rows = Math.min(perChunk, data.rows - first);
      const theta = this.#runtime.storage(data.theta.subarray(first * thetaDim, (first + rows) * thetaDim));
      const x = this.#runtime.storage(data.x.subarray(first * xDim, (first + rows) * xDim));
      const ordered = this.#graph.gather(true, first, rows), plain = this.#graph.gather(false, first, rows);
      dataset.buffers.push(theta, x, ordered.argBuffer, plain.argBuffer);
      const buffers = { ...this.#buffers, theta, x, order };
      const bindGroup = this.#runtime.device.createBindGroup({
        layout: this.#pipelines.modelLayout,
        entries: [
          ...MODEL_BINDINGS.map((key, binding) => ({ binding, resource: { buffer: buffers[key] } })),
          { binding: MODEL_BINDINGS.length, resource: { buffer: this.#step } },
        ],
      });
      dataset.chunks.push({ bindGroup, gather: { ordered: ordered.dispatch, plain: plain.dispatch } });
    }
  }

  /** How many buffer pairs hold a dataset (more than one when it exceeds a storage binding). */
  chunksOf(name: string): number {
    return this.#dataset(name).chunks.length;
  }

  deleteDataset(name: string): void {
    for (const buffer of this.#datasets.get(name)?.buffers ?? []) buffer.destroy();
    this.#datasets.delete(name);
  }

  /**
   * One epoch: Adam steps over batches of the dataset's rows in the order `shuffle` defines, generated on the
   * device; returns the mean training loss (the only value read back).
   */
  async trainEpoch(name: string, shuffle: EpochShuffle, batchSize: number): Promise<number> {
    const dataset = this.#dataset(name);
    if (shuffle.rows !== dataset.rows) {
      throw new Error(`an order of ${shuffle.rows} rows for dataset ${name} of ${dataset.rows}`);
    }
    this.#shuffle.write(dataset.order, shuffle);
    this.#resetLoss();
    const { beta1, beta2 } = this.#optimizer;
    for (let start = 0; start < dataset.rows; start += batchSize) {
      this.#updates++;
      const rows = Math.min(batchSize, dataset.rows - start, this.rowsCap);
      const bias = [1 / (1 - beta1 ** this.#updates), 1 / (1 - beta2 ** this.#updates)];
      this.#run(this.#graph.train, true, dataset, rows, start, bias);
    }
    return await this.#readLoss() / dataset.rows;
  }

  /**
   * Profile of a training step of `rows` rows on dataset `name`: each of its dispatches alone, `repeats` times in one
   * submission followed by a 4-byte read-back, in milliseconds of `clock` per dispatch (the read-back's own time,
   * `syncMs`, taken off; a CPU-time clock suits a shared machine). The repeats change the weights, activations and
   * optimiser state: profile a throw-away flow.
   */
  async profileTrainStep(
    name: string,
    rows: number,
    repeats: number,
    clock: () => number = () => performance.now(),
  ): Promise<{ syncMs: number; kernels: { kernel: string; grid: number[]; ms: number }[] }> {
    const dataset = this.#dataset(name);
    if (rows > this.rowsCap || rows > dataset.rows) throw new RangeError(`${rows} rows exceed the step or dataset`);
    const time = async (list: DispatchList) => {
      const start = clock();
      list.submit(this.#runtime.device);
      await this.#readFloats(this.#buffers.acts, 1);
      return clock() - start;
    };
    this.#run(this.#graph.train, true, dataset, rows, 0);
    const syncMs = Math.min(await time(new DispatchList()), await time(new DispatchList()));
    const chunk = dataset.chunks[dataset.chunks.length - 1];
    const kernels = [];
    for (const { pipeline, args, groups } of this.#graph.train) {
      const grid = groups(rows);
      if (grid.some((n) => n === 0)) continue;
      const list = new DispatchList();
      for (let i = 0; i < repeats; i++) list.add(pipeline, [chunk.bindGroup, args], grid);
      kernels.push({ kernel: pipeline.label, grid, ms: (await time(list) - syncMs) / repeats });
    }
    return { syncMs, kernels };
  }

  /** The mean loss over all of a dataset's rows, in steps of `rowsCap`. */
  async meanLoss(name: string): Promise<number> {
    const dataset = this.#dataset(name);
    this.#resetLoss();
    for (let start = 0; start < dataset.rows; start += this.rowsCap) {
      this.#run(this.#graph.evaluate, false, dataset, Math.min(this.rowsCap, dataset.rows - start), start);
    }
    return await this.#readLoss() / dataset.rows;
  }

  /** The batch loss and every parameter's gradient for rows `order` of a dataset (no update). */
  async lossAndGradients(name: string, order: ArrayLike<number>): Promise<{ loss: number; grads: NamedArray[] }> {
    const dataset = this.#dataset(name);
    if (order.length > this.rowsCap) throw new RangeError(`${order.length} rows exceed the ${this.rowsCap} per step`);
    this.#runtime.write(dataset.order, Uint32Array.from(order));
    this.#resetLoss();
    this.#run(this.#graph.gradients, true, dataset, order.length, 0);
    const loss = await this.#readLoss() / order.length;
    return { loss, grads: this.#layout.split(await this.#readFloats(this.#buffers.grads, this.#layout.count)) };
  }

  /** log q(θ | x) of every row of a dataset. */
  async logProb(name: string): Promise<Float32Array> {
    const dataset = this.#dataset(name);
    const out = new Float32Array(dataset.rows);
    for (let start = 0; start < dataset.rows; start += this.rowsCap) {
      const count = Math.min(this.rowsCap, dataset.rows - start);
      this.#run(this.#graph.evaluate, false, dataset, count, start);
      const loss = await this.#readFloats(this.#buffers.acts, count, this.#graph.rowLoss);
      for (let i = 0; i < count; i++) out[start + i] = -loss[i];
    }
    return out;
  }

  /**
   * Draws of θ for the x of dataset rows `rows` (one draw per entry; repeat an index for several draws),
   * from standard-normal `noise` (rows × θ dim): row-major θ in its own units.
   */
  async sample(name: string, rows: ArrayLike<number>, noise: Float32Array): Promise<Float32Array> {
    const dataset = this.#dataset(name);
    const { thetaDim } = this.flow.config;
    const out = new Float32Array(rows.length * thetaDim);
    const s = this.flow.standardization;
    for (let start = 0; start < rows.length; start += this.rowsCap) {
      const count = Math.min(this.rowsCap, rows.length - start);
      this.#runtime.write(dataset.order, Uint32Array.from(Array.prototype.slice.call(rows, start, start + count)));
      this.#runtime.write(
        this.#buffers.acts,
        noise.subarray(start * thetaDim, (start + count) * thetaDim),
        this.#graph.noise * 4,
      );
      this.#run(this.#graph.sample, true, dataset, count, 0);
      const z = await this.#readFloats(this.#buffers.acts, count * thetaDim, this.#graph.theta);
      for (let i = 0; i < z.length; i++) {
        const j = i % thetaDim;
        out[start * thetaDim + i] = z[i] * s.thetaStd[j] + s.thetaMean[j];
      }
    }
    return out;
  }

  async readWeights(): Promise<NamedArray[]> {
    return this.#layout.split(await this.#readFloats(this.#buffers.params, this.#layout.count));
  }

  writeWeights(weights: readonly NamedArray[]): void {
    this.#runtime.write(this.#buffers.params, this.#layout.flatten(weights));
  }

  /** Adam's state as the tfjs path's checkpoints hold it: the step and one moment array per parameter. */
  async readOptimizer(): Promise<AdamState> {
    const count = this.#layout.count;
    const moments = await this.#readFloats(this.#buffers.moments, 2 * count);
    const named = (flat: Float32Array, kind: string) =>
      this.#layout.split(flat).map((a, i) => ({ ...a, name: `${kind}/${i}` }));
    return {
      step: this.#updates,
      firstMoments: named(moments.subarray(0, count), "m"),
      secondMoments: named(moments.subarray(count), "v"),
    };
  }

  restoreOptimizer(state: AdamState): void {
    if (!Number.isSafeInteger(state.step) || state.step < 0) throw new Error(`Adam step ${state.step} is not a count`);
    const flat = (saved: NamedArray[]) => {
      const arrays = this.#layout.names.map((name, i) => ({ ...saved[i], name }));
      if (saved.length !== this.#layout.names.length) {
        throw new Error(
          `Adam state holds ${saved.length} moments, the flow has ${this.#layout.names.length} parameters`,
        );
      }
      return this.#layout.flatten(arrays);
    };
    const count = this.#layout.count;
    const moments = new Float32Array(2 * count);
    moments.set(flat(state.firstMoments));
    moments.set(flat(state.secondMoments), count);
    this.#updates = state.step;
    this.#runtime.write(this.#buffers.moments, moments);
  }

  destroy(): void {
    for (const name of [...this.#datasets.keys()]) this.deleteDataset(name);
    for (const buffer of Object.values(this.#buffers)) buffer.destroy();
    this.#step.destroy();
    this.#shuffle.destroy();
    this.#graph.builder.destroy();
  }

  #dataset(name: string): Dataset {
    this.#checkDevice();
    const dataset = this.#datasets.get(name);
    if (!dataset) throw new Error(`no dataset ${name} on the GPU`);
    return dataset;
  }

  #checkDevice(): void {
    if (this.#lost !== undefined) throw new Error(`the GPU device was lost (${this.#lost})`);
  }

  /** One submission: the batch gathered chunk by chunk, then `dispatches`. */
  #run(
    dispatches: Dispatch[],
    ordered: boolean,
    dataset: Dataset,
    rows: number,
    start: number,
    bias = [1, 1],
  ): void {
    const step = FLOW_STEP.pack({ rows, start, inv_rows: 1 / rows, bias1: bias[0], bias2: bias[1] });
    this.#runtime.write(this.#step, step);
    const list = new DispatchList();
    // The last chunk's model bind group stays bound for the dispatches after the gathers.
    for (const chunk of dataset.chunks) {
      const gather = ordered ? chunk.gather.ordered : chunk.gather.plain;
      list.add(gather.pipeline, [chunk.bindGroup, gather.args], gather.groups(rows));
    }
    for (const { pipeline, args, groups } of dispatches) list.add(pipeline, [undefined, args], groups(rows));
    list.submit(this.#runtime.device);
  }

  #resetLoss(): void {
    this.#runtime.write(this.#buffers.acts, new Float32Array(1), this.#graph.lossTotal * 4);
  }

  async #readLoss(): Promise<number> {
    return (await this.#readFloats(this.#buffers.acts, 1, this.#graph.lossTotal))[0];
  }

  async #readFloats(buffer: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
    const out = new Float32Array(count);
    try {
      await this.#runtime.readInto(buffer, out, offset * 4);
    } catch (error) {
      // A lost device fails the read before its `lost` promise settles: give it a moment to say why.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.#runtime.device.lost, new Promise((settle) => (timer = setTimeout(settle, 1000)))]);
      clearTimeout(timer);
      this.#checkDevice();
      throw new Error(`reading from the GPU failed: ${error instanceof Error ? error.message : error}`);
    }
    this.#checkDevice();
    return out;
  }
}
