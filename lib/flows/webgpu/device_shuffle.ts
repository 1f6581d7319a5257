/**
 * Epoch row orders written on the device (kernels/flow_order.wgsl): the permutation lib/train/epoch_order.ts
 * defines, so a training run uploads its pairs once and no order ever crosses from the host.
 */
import { kernelSource, type KernelSpec } from "../../gpu/kernels.ts";
import { struct } from "../../gpu/layout.ts";
import type { GpuRuntime } from "../../gpu/runtime.ts";
import { DispatchList } from "../../gpu/dispatch_list.ts";
import { type EpochShuffle, FEISTEL_ROUNDS } from "../../train/epoch_order.ts";

/** The kernel's uniform: rows to order, the network's half width, one key per round. */
export const SHUFFLE = struct("Shuffle", { rows: "u32", half_bits: "u32", keys: `vec${FEISTEL_ROUNDS}<u32>` });

export const SHUFFLE_KERNEL: KernelSpec = { file: "flow_order", structs: [SHUFFLE], constants: { FEISTEL_ROUNDS } };

export class DeviceShuffle {
  readonly #uniform: GPUBuffer;

  private constructor(readonly runtime: GpuRuntime, readonly pipeline: GPUComputePipeline) {
    this.#uniform = runtime.uniform(new Uint8Array(SHUFFLE.uniformBytes));
  }

  static async load(runtime: GpuRuntime): Promise<DeviceShuffle> {
    const code = await kernelSource(SHUFFLE_KERNEL);
    return new DeviceShuffle(runtime, runtime.pipeline(code, "epoch_order"));
  }

  /** Queue the order of `shuffle` into `order` (u32 storage); later submissions see it. */
  write(order: GPUBuffer, shuffle: EpochShuffle): void {
    if (shuffle.rows * 4 > order.size) {
      throw new RangeError(`an order of ${shuffle.rows} rows does not fit a buffer of ${order.size} bytes`);
    }
    const { rows, halfBits, keys } = shuffle;
    this.runtime.write(this.#uniform, SHUFFLE.pack({ rows, half_bits: halfBits, keys }));
    const bindGroup = this.runtime.bind(this.pipeline, [order, this.#uniform]);
    new DispatchList().add(this.pipeline, [bindGroup], this.runtime.grid(rows)).submit(this.runtime.device);
  }

  destroy(): void {
    this.#uniform.destroy();
  }
}
