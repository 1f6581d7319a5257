/**
 * A recorded list of compute dispatches (pipeline, bind groups by group index, workgroup grid) encoded into one
 * compute pass and submitted at once: the one way hosts launch kernels.
 */

export interface Dispatch {
  pipeline: GPUComputePipeline;
  /** Bind group `i` is set at group index i; a hole keeps what the previous dispatch bound there. */
  bindGroups: readonly (GPUBindGroup | undefined)[];
  /** Workgroups along x, y, z (missing ones are 1). */
  grid: readonly number[];
}

export class DispatchList {
  readonly #dispatches: Dispatch[] = [];

  add(pipeline: GPUComputePipeline, bindGroups: readonly (GPUBindGroup | undefined)[], grid: readonly number[]): this {
    this.#dispatches.push({ pipeline, bindGroups, grid });
    return this;
  }

  get length(): number {
    return this.#dispatches.length;
  }

  /**
   * Record every dispatch into `pass`, setting a pipeline or bind group only when it changes (the software adapter
   * pays for each call); dispatches with an empty grid are skipped.
   */
  encode(pass: GPUComputePassEncoder): void {
    let pipeline: GPUComputePipeline | undefined;
    const bound: (GPUBindGroup | undefined)[] = [];
    for (const dispatch of this.#dispatches) {
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

  /** One command encoder with one compute pass of the whole list, submitted to `device`'s queue. */
  submit(device: GPUDevice): void {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    this.encode(pass);
    pass.end();
    device.queue.submit([encoder.finish()]);
  }
}
