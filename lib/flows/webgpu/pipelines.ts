/**
 * The flow kernels' pipelines: every kernel shares one explicit bind-group layout (the model's buffers in group 0,
 * a dispatch's arguments in group 1), so one bind group per dataset serves all of a step's dispatches.
 */
import { kernelSource, type KernelSpec } from "../../gpu/kernels.ts";
import { array, struct } from "../../gpu/layout.ts";
import { type GpuRuntime, GpuUnavailableError } from "../../gpu/runtime.ts";

export const FLOW_KERNEL_FILES = ["flow_dense", "flow_maf", "flow_nsf", "flow_loss", "flow_adam"] as const;
export type FlowKernelFile = typeof FLOW_KERNEL_FILES[number];

/** Storage bindings of group 0, in binding order (flow_common.wgsl declares them). */
export const MODEL_BINDINGS = ["params", "grads", "acts", "consts", "moments", "theta", "x", "order"] as const;
const READ_ONLY = new Set(["consts", "theta", "x", "order"]);

/** The per-step uniform (flow_common.wgsl's `step`). */
export const FLOW_STEP = struct("Step", {
  rows: "u32", // rows in this batch
  start: "u32", // the batch's first position in `order` (or in the dataset when no order is used)
  inv_rows: "f32", // 1 / rows: the loss is a mean over the batch
  bias1: "f32", // Adam's 1 / (1 - β₁ᵗ)
  bias2: "f32", // Adam's 1 / (1 - β₂ᵗ)
});

/** One dispatch's arguments (flow_common.wgsl's `args`): u32 words read by position (`arg(i)`), four per vector. */
const ARG_VECTORS = 8;
export const FLOW_ARGS = struct("Args", { a: array("vec4<u32>", ARG_VECTORS) });
export const ARG_WORDS = 4 * ARG_VECTORS;

/** "Nothing here" for an optional offset argument. */
export const NONE = 0xffffffff;

/** Activation codes of the kernels' `activate`. */
export const ACTIVATION = { none: 0, tanh: 1, relu: 2, sigmoid: 3 } as const;
export type Activation = keyof typeof ACTIVATION;

/** Rows per block of a weight gradient's partial sums (flow_dense.wgsl). */
export const ROW_BLOCK = 256;

/**
 * Rows per thread of the tiled dense kernels (flow_dense.wgsl; each thread also covers four columns): 8 on a software
 * adapter, where every value a thread reads should serve many products (docs/BENCHMARKS.md); 1 on a GPU, whose
 * thousands of cores want threads more than reuse.
 */
export function defaultTileRows(adapter: { fallback: boolean }): number {
  return adapter.fallback ? SOFTWARE_TILE_ROWS : 1;
}

const SOFTWARE_TILE_ROWS = 8;

/** Bins of the spline kernels' private arrays (flow_nsf.wgsl). */
export const MAX_BINS = 64;

/** What every flow kernel is compiled with in front of flow_common.wgsl and its own file. */
const HEADER = {
  include: ["flow_common"],
  structs: [FLOW_STEP, FLOW_ARGS],
  constants: {
    NONE,
    ACTIVATION_TANH: ACTIVATION.tanh,
    ACTIVATION_RELU: ACTIVATION.relu,
    ACTIVATION_SIGMOID: ACTIVATION.sigmoid,
    ROW_BLOCK,
    MAX_BINS,
  },
};

/** The kernel spec of `kernels/<file>.wgsl`, its dense kernels' tiles `tileRows` rows high. */
export function flowKernel(file: FlowKernelFile, tileRows = SOFTWARE_TILE_ROWS): KernelSpec {
  return { file, ...HEADER, constants: { ...HEADER.constants, TILE_ROWS: tileRows } };
}

export class FlowPipelines {
  readonly modelLayout: GPUBindGroupLayout;
  readonly argsLayout: GPUBindGroupLayout;
  readonly #layout: GPUPipelineLayout;
  readonly #pipelines = new Map<string, GPUComputePipeline>();

  private constructor(
    readonly runtime: GpuRuntime,
    readonly sources: Map<FlowKernelFile, string>,
    /** Rows per thread of the dense kernels. */
    readonly tileRows: number,
  ) {
    const device = runtime.device;
    // The model's buffers and the arguments (read-only storage; see flow_common.wgsl for why not a uniform).
    const needed = MODEL_BINDINGS.length + 1, have = device.limits.maxStorageBuffersPerShaderStage;
    if (have < needed) {
      throw new GpuUnavailableError(
        `adapter ${runtime.adapterSummary.description} offers maxStorageBuffersPerShaderStage = ${have}, ` +
          `the flow kernels need ${needed}`,
      );
    }
    const storage = MODEL_BINDINGS.map((name, binding): GPUBindGroupLayoutEntry => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: READ_ONLY.has(name) ? "read-only-storage" : "storage" },
    }));
    this.modelLayout = device.createBindGroupLayout({
      entries: [...storage, { binding: storage.length, visibility: GPUShaderStage.COMPUTE, buffer: {} }],
    });
    this.argsLayout = device.createBindGroupLayout({
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "read-only-storage" } }],
    });
    this.#layout = device.createPipelineLayout({ bindGroupLayouts: [this.modelLayout, this.argsLayout] });
  }

  static async load(
    runtime: GpuRuntime,
    tileRows = defaultTileRows(runtime.adapterSummary),
  ): Promise<FlowPipelines> {
    if (!Number.isInteger(tileRows) || tileRows < 1) throw new RangeError(`tile rows must be ≥ 1, got ${tileRows}`);
    const sources = new Map<FlowKernelFile, string>();
    for (const file of FLOW_KERNEL_FILES) sources.set(file, await kernelSource(flowKernel(file, tileRows)));
    return new FlowPipelines(runtime, sources, tileRows);
  }

  /** The pipeline of `entryPoint` in `kernels/<file>.wgsl`, compiled once. */
  get(file: FlowKernelFile, entryPoint: string): GPUComputePipeline {
    const key = `${file}:${entryPoint}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      const device = this.runtime.device;
      const module = device.createShaderModule({ code: this.sources.get(file)! });
      pipeline = device.createComputePipeline({ label: key, layout: this.#layout, compute: { module, entryPoint } });
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }
}
