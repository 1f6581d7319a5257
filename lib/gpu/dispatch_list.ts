/**
 * A recorded list of compute dispatches (pipeline, bind groups by group index, workgroup grid) and buffer fills,
 * encoded into one command encoder and submitted at once: the one way hosts launch kernels.
 */

export interface Dispatch {
  pipeline: GPUComputePipeline;
  /** Bind group `i` is set at group index i; a hole keeps what the previous dispatch bound there. */
  bindGroups: readonly (GPUBindGroup | undefined)[];
  /** Workgroups along x, y, z (missing ones are 1). */
  grid: readonly number[];
}

/** Zeroing a buffer's first `bytes` (all of it when undefined) between the dispatches before and after. */
interface Clear {
  buffer: GPUBuffer;
  bytes?: number;
}

export class DispatchList {
  #steps: (Dispatch | Clear)[] = [];
  /** Buffers released once the list is submitted (per-dispatch uniforms). */
  #owned: GPUBuffer[] = [];

  add(pipeline: GPUComputePipeline, bindGroups: readonly (GPUBindGroup | undefined)[], grid: readonly number[]): this {
    this.#steps.push({ pipeline, bindGroups, grid });
    return this;
  }

  /**
   * Record zeroing `buffer` (its first `bytes`, default all) between the dispatches before and after: a fill on the
   * device, far cheaper on the software adapter than a kernel's per-lane stores. It ends the compute pass, so
   * bindings are set again after it.
   */
  clear(buffer: GPUBuffer, bytes?: number): this {
    this.#steps.push({ buffer, bytes });
    return this;
  }

  /** Destroy `buffer` once the list is submitted (WebGPU keeps it alive until the queued work is done). */
  release(buffer: GPUBuffer): this {
    this.#owned.push(buffer);
    return this;
  }

  /** Dispatches and fills recorded. */
  get length(): number {
    return this.#steps.length;
  }

  /**
   * Record every dispatch into `pass`, setting a pipeline or bind group only when it changes (the software adapter
   * pays for each call); dispatches with an empty grid are skipped. A list with fills needs `submit`.
   */
  encode(pass: GPUComputePassEncoder): void {
    const dispatches = this.#steps.filter((s): s is Dispatch => "pipeline" in s);
    if (dispatches.length !== this.#steps.length) throw new Error("a list with buffer fills is encoded by submit");
    encodeDispatches(pass, dispatches);
  }

  /**
   * Everything recorded in one command encoder (a compute pass per run of dispatches between fills), submitted to
   * `device`'s queue; then the list is empty again and its released buffers are destroyed.
   */
  submit(device: GPUDevice): void {
    if (this.#steps.length > 0) {
      const encoder = device.createCommandEncoder();
      let run: Dispatch[] = [];
      const flush = () => {
        if (run.length === 0) return;
        const pass = encoder.beginComputePass();
        encodeDispatches(pass, run);
        pass.end();
        run = [];
      };
      for (const step of this.#steps) {
        if ("pipeline" in step) {
          run.push(step);
        } else {
          flush();
          encoder.clearBuffer(step.buffer, 0, step.bytes);
        }
      }
      flush();
      device.queue.submit([encoder.finish()]);
    }
    for (const buffer of this.#owned) buffer.destroy();
    this.#steps = [];
    this.#owned = [];
  }
}

function encodeDispatches(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  let pipeline: GPUComputePipeline | undefined;
  const bound: (GPUBindGroup | undefined)[] = [];
  for (const dispatch of dispatches) {
    const [x, y = 1, z = 1] = dispatch.grid;
    if (x === 0 || y === 0 || z === 0) continue;
    if (dispatch.pipeline !== pipeline) {
      pipeline = dispatch.pipeline;
      pass.setPipeline(pipeline);
    }
    dispatch.bindGroups.forEach((group, index) => {
      if (group !== undefined && bound[index] !== group) {
        bound[index] = group;
        pass.setBindGroup(index, group);
      }
    });
    pass.dispatchWorkgroups(x, y, z);
  }
}
