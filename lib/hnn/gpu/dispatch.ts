/**
 * Dispatches recorded into one compute pass and submitted together: a network chunk is hundreds of small
 * dispatches (event gathers and cell steps per epoch), and each queue submit costs ~0.2 ms on the software
 * adapter and a host round trip on a hardware one. Dispatches in one pass still run in order: WebGPU orders
 * storage writes between dispatches.
 */
import type { GpuRuntime } from "../../gpu/runtime.ts";

export class DispatchList {
  #encoder?: GPUCommandEncoder;
  #pass?: GPUComputePassEncoder;
  /** Buffers to release once the list is submitted (per-dispatch parameters). */
  #owned: GPUBuffer[] = [];

  constructor(readonly runtime: GpuRuntime) {}

  /** Record one dispatch with `buffers[i]` at group 0, binding i; `params` is released after the submit. */
  dispatch(
    pipeline: GPUComputePipeline,
    buffers: GPUBuffer[],
    workgroups: [number, number?, number?],
    params?: GPUBuffer,
  ): void {
    const device = this.runtime.device;
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    this.#encoder ??= device.createCommandEncoder();
    this.#pass ??= this.#encoder.beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, bindGroup);
    this.#pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    if (params) this.#owned.push(params);
  }

  /** Submit what was recorded (nothing if empty); the list can be reused. */
  submit(): void {
    if (this.#encoder && this.#pass) {
      this.#pass.end();
      this.runtime.device.queue.submit([this.#encoder.finish()]);
    }
    // Destroying after submit is safe: WebGPU keeps the buffers alive until the queued work is done.
    for (const b of this.#owned) b.destroy();
    this.#encoder = undefined;
    this.#pass = undefined;
    this.#owned = [];
  }
}
