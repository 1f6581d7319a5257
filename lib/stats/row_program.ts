/**
 * The shape every per-waveform statistics kernel shares: rows of x in, a fixed number of values per row out,
 * a uniform, optional constant buffers, and a grid covering `threadsPerRow` threads per row, dispatched in chunks of
 * rows that fit one storage binding.
 */
import { chunks, type GpuRuntime } from "../gpu/runtime.ts";
import { kernelSource, type KernelSpec } from "../gpu/kernels.ts";

export interface RowProgram {
  kernel: KernelSpec;
  samples: number;
  outPerRow: number;
  threadsPerRow: number;
  /** The kernel's uniform (packed from its declared layout) for a chunk of `rows` rows. */
  uniform: (rows: number) => Uint8Array;
  /** Buffers bound after the uniform and before x (e.g. a window), owned by the caller. */
  constants?: GPUBuffer[];
}

export async function runRowProgram(runtime: GpuRuntime, program: RowProgram, x: Float32Array): Promise<Float32Array> {
  const { samples, outPerRow, threadsPerRow } = program;
  if (x.length % samples !== 0) throw new Error(`x holds ${x.length} values, not rows of ${samples}`);
  const rows = x.length / samples;
  const pipeline = runtime.pipeline(await kernelSource(program.kernel));
  const out = new Float32Array(rows * outPerRow);
  const perChunk = runtime.itemsPerBinding(Math.max(samples, outPerRow) * 4);
  for (const { start, count } of chunks(rows, perChunk)) {
    const uniform = runtime.uniform(program.uniform(count));
    const input = runtime.storage(x.subarray(start * samples, (start + count) * samples));
    const output = runtime.storage(count * outPerRow * 4);
    try {
      runtime.run(
        pipeline,
        [uniform, ...(program.constants ?? []), input, output],
        runtime.grid(count * threadsPerRow),
      );
      await runtime.readInto(output, out.subarray(start * outPerRow, (start + count) * outPerRow));
    } finally {
      for (const buffer of [uniform, input, output]) buffer.destroy();
    }
  }
  return out;
}
