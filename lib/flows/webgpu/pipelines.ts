/**
 * The flow kernels' pipelines: every kernel shares one explicit bind-group layout (the model's buffers in group 0,
 * a dispatch's arguments in group 1), so one bind group per dataset serves all of a step's dispatches.
 */
import { loadKernel } from "../../gpu/kernels.ts";
import type { GpuRuntime } from "../../gpu/runtime.ts";

export const FLOW_KERNEL_FILES = ["flow_dense", "flow_maf", "flow_nsf", "flow_loss", "flow_adam"] as const;
export type FlowKernelFile = typeof FLOW_KERNEL_FILES[number];

/** Storage bindings of group 0, in binding order (flow_common.wgsl declares them). */
export const MODEL_BINDINGS = ["params", "grads", "acts", "consts", "moments", "theta", "x", "order"] as const;
const READ_ONLY = new Set(["consts", "theta", "x", "order"]);

/** Bytes of one dispatch's argument uniform (32 u32 words). */
export const ARGS_BYTES = 128;
/** Bytes of the per-step uniform. */
export const STEP_BYTES = 32;

export class FlowPipelines {
  readonly modelLayout: GPUBindGroupLayout;
  readonly argsLayout: GPUBindGroupLayout;
  readonly #layout: GPUPipelineLayout;
  readonly #pipelines = new Map<string, GPUComputePipeline>();

  private constructor(readonly runtime: GpuRuntime, readonly sources: Map<FlowKernelFile, string>) {
    const device = runtime.device;
    const storage = MODEL_BINDINGS.map((name, binding): GPUBindGroupLayoutEntry => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: READ_ONLY.has(name) ? "read-only-storage" : "storage" },
    }));
    this.modelLayout = device.createBindGroupLayout({
      entries: [...storage, { binding: storage.length, visibility: GPUShaderStage.COMPUTE, buffer: {} }],
    });
    this.argsLayout = device.createBindGroupLayout({
      entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: {} }],
    });
    this.#layout = device.createPipelineLayout({ bindGroupLayouts: [this.modelLayout, this.argsLayout] });
  }

  static async load(runtime: GpuRuntime): Promise<FlowPipelines> {
    const common = await loadKernel("flow_common");
    const sources = new Map<FlowKernelFile, string>();
    for (const file of FLOW_KERNEL_FILES) sources.set(file, `${common}\n${await loadKernel(file)}`);
    return new FlowPipelines(runtime, sources);
  }

  /** The pipeline of `entryPoint` in `kernels/<file>.wgsl`, compiled once. */
  get(file: FlowKernelFile, entryPoint: string): GPUComputePipeline {
    const key = `${file}:${entryPoint}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      const device = this.runtime.device;
      const module = device.createShaderModule({ code: this.sources.get(file)! });
      pipeline = device.createComputePipeline({ layout: this.#layout, compute: { module, entryPoint } });
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }
}
