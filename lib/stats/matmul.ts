/** Host side of kernels/matmul.wgsl: C = A·B or Aᵀ·B for row-major float32 matrices. */
import type { GpuRuntime } from "../gpu/runtime.ts";
import { checkGrid } from "../gpu/grid.ts";
import { kernelSource, type KernelSpec } from "../gpu/kernels.ts";
import { struct } from "../gpu/layout.ts";

/** Rows and columns of C one workgroup computes (kernels/matmul.wgsl's TILE). */
export const TILE = 16;

/** kernels/matmul.wgsl's uniform: C is m×n, the inner dimension k. */
export const MATMUL_DIMS = struct("Dims", { m: "u32", n: "u32", k: "u32" });

export const MATMUL_KERNEL: KernelSpec = { file: "matmul", structs: [MATMUL_DIMS], constants: { TILE } };

export interface Dense {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** A·B, or Aᵀ·B when `transposeA`; the operands must fit one storage binding each. */
export async function matmulGpu(runtime: GpuRuntime, a: Dense, b: Dense, transposeA = false): Promise<Dense> {
  const [m, k] = transposeA ? [a.cols, a.rows] : [a.rows, a.cols];
  if (k !== b.rows) throw new Error(`cannot multiply ${m}×${k} by ${b.rows}×${b.cols}`);
  const n = b.cols;
  const grid = checkGrid(
    runtime.device.limits,
    [Math.ceil(n / TILE), Math.ceil(m / TILE)],
    (most, limit) => `product ${m}×${n} would need ${most} workgroups in one dimension, over this adapter's ${limit}`,
  );
  const pipeline = runtime.pipeline(await kernelSource(MATMUL_KERNEL), transposeA ? "atb" : "ab");
  const buffers = [
    runtime.uniform(MATMUL_DIMS.pack({ m, n, k })),
    runtime.storage(a.data),
    runtime.storage(b.data),
    runtime.storage(m * n * 4),
  ];
  try {
    runtime.run(pipeline, buffers, grid);
    const out = new Float32Array(m * n);
    await runtime.readInto(buffers[3], out);
    return { rows: m, cols: n, data: out };
  } finally {
    for (const buffer of buffers) buffer.destroy();
  }
}
