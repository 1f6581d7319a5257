/**
 * The shape every per-waveform statistics kernel shares: rows of x in, a fixed number of values per row out,
 * a uniform header, optional constant buffers, and a 2-D grid of 64-thread workgroups covering
 * `threadsPerRow` threads per row, dispatched in chunks of rows that fit one storage binding.
 */
import { chunks, type GpuRuntime } from "../gpu/runtime.ts";
import { loadKernel } from "../gpu/kernels.ts";

const WORKGROUP = 64;
const MAX_WORKGROUPS_X = 65535;

export interface RowProgram {
  kernel: string;
  samples: number;
  outPerRow: number;
  threadsPerRow: number;
  /** The uniform block for a chunk of `rows` rows whose grid rows hold `rowStride` threads. */
  header: (rows: number, rowStride: number) => ArrayBuffer;
  /** Buffers bound after the header and before x (e.g. a window), owned by the caller. */
  constants?: GPUBuffer[];
}

export async function runRowProgram(runtime: GpuRuntime, program: RowProgram, x: Float32Array): Promise<Float32Array> {
  const { samples, outPerRow, threadsPerRow } = program;
  if (x.length % samples !== 0) throw new Error(`x holds ${x.length} values, not rows of ${samples}`);
  const rows = x.length / samples;
  const pipeline = runtime.pipeline(await loadKernel(program.kernel));
  const out = new Float32Array(rows * outPerRow);
  const perChunk = runtime.itemsPerBinding(Math.max(samples, outPerRow) * 4);
  for (const { start, count } of chunks(rows, perChunk)) {
    const groups = Math.ceil((count * threadsPerRow) / WORKGROUP);
    const gridX = Math.min(groups, MAX_WORKGROUPS_X);
    const header = runtime.uniform(new Uint8Array(program.header(count, gridX * WORKGROUP)));
    const input = runtime.storage(x.subarray(start * samples, (start + count) * samples));
    const output = runtime.storage(count * outPerRow * 4);
    try {
      runtime.run(pipeline, [header, ...(program.constants ?? []), input, output], [gridX, Math.ceil(groups / gridX)]);
      await runtime.readInto(output, out.subarray(start * outPerRow, (start + count) * outPerRow));
    } finally {
      for (const buffer of [header, input, output]) buffer.destroy();
    }
  }
  return out;
}

/** A uniform header of u32 words followed by f32 words (each group padded to 16 bytes). */
export function header(words: number[], floats: number[]): ArrayBuffer {
  const u = Math.ceil(words.length / 4) * 4, f = Math.ceil(floats.length / 4) * 4;
  const buffer = new ArrayBuffer((u + f) * 4);
  new Uint32Array(buffer, 0, words.length).set(words);
  new Float32Array(buffer, u * 4, floats.length).set(floats);
  return buffer;
}
