/** Host side of kernels/matmul.wgsl: C = A·B or Aᵀ·B for row-major float32 matrices. */
import type { GpuRuntime } from "../gpu/runtime.ts";
import { loadKernel } from "../gpu/kernels.ts";

const TILE = 16;
const MAX_WORKGROUPS = 65535;

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
  const gx = Math.ceil(n / TILE), gy = Math.ceil(m / TILE);
  if (gx > MAX_WORKGROUPS || gy > MAX_WORKGROUPS) throw new Error(`product ${m}×${n} is too large for one dispatch`);
  const pipeline = runtime.pipeline(await loadKernel("matmul"), transposeA ? "atb" : "ab");
  const buffers = [
    runtime.uniform(new Uint32Array([m, n, k, 0])),
    runtime.storage(a.data),
    runtime.storage(b.data),
    runtime.storage(m * n * 4),
  ];
  try {
    runtime.run(pipeline, buffers, [gx, gy]);
    const out = new Float32Array(m * n);
    await runtime.readInto(buffers[3], out);
    return { rows: m, cols: n, data: out };
  } finally {
    for (const buffer of buffers) buffer.destroy();
  }
}
