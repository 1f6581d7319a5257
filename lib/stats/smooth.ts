/**
 * Dipole post-processing as hnn-core applies it (`utils.py::smooth_waveform`, `Dipole.scale`): a normalised Hamming
 * window of round(window_ms · sampling rate) samples convolved in numpy's "same" mode, then a scale factor.
 */
import { chunks, type GpuRuntime } from "../gpu/runtime.ts";
import { loadKernel } from "../gpu/kernels.ts";

/** Taps of hnn-core's window: int(round(1e-3 · window_ms · 1000/dt)) with Python's round-half-to-even. */
export function smoothingTaps(windowMs: number, dtMs: number): number {
  if (!(windowMs > 0) || !(dtMs > 0)) throw new RangeError(`window and dt must be positive, got ${windowMs}, ${dtMs}`);
  const exact = (1e-3 * windowMs * 1000) / dtMs;
  const floor = Math.floor(exact), frac = exact - floor;
  const taps = frac === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(exact);
  if (taps < 1) throw new RangeError(`a ${windowMs} ms window is shorter than one sample of ${dtMs} ms`);
  return taps;
}

/** numpy.hamming(M) divided by its sum. */
export function hammingWindow(taps: number): Float64Array {
  const w = Float64Array.from({ length: taps }, (_, n) => taps === 1 ? 1 : 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (taps - 1)));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}

/** Float64 smoothing of one waveform (the reference the GPU kernel is tested against). */
export function smoothWaveform(x: ArrayLike<number>, windowMs: number, dtMs: number, scale = 1): Float64Array {
  const w = hammingWindow(smoothingTaps(windowMs, dtMs));
  const half = (w.length - 1) >> 1;
  return Float64Array.from({ length: x.length }, (_, i) => {
    let acc = 0;
    for (let m = Math.max(0, i + half - x.length + 1); m <= Math.min(w.length - 1, i + half); m++) {
      acc += x[i + half - m] * w[m];
    }
    return acc * scale;
  });
}

const WORKGROUP = 64;
const MAX_WORKGROUPS_X = 65535;

/** Smooth and scale every row of x (rows × samples) on the GPU, in chunks of rows that fit a binding. */
export async function smoothRowsGpu(
  runtime: GpuRuntime,
  x: Float32Array,
  samples: number,
  windowMs: number,
  dtMs: number,
  scale = 1,
): Promise<Float32Array> {
  if (x.length % samples !== 0) throw new Error(`x holds ${x.length} values, not rows of ${samples}`);
  const pipeline = runtime.pipeline(await loadKernel("hamming_smooth"));
  const window = runtime.storage(new Float32Array(hammingWindow(smoothingTaps(windowMs, dtMs))));
  const out = new Float32Array(x.length);
  const perChunk = runtime.itemsPerBinding(samples * 4);
  try {
    for (const { start, count } of chunks(x.length / samples, perChunk)) {
      const threads = count * samples, groups = Math.ceil(threads / WORKGROUP);
      const gridX = Math.min(groups, MAX_WORKGROUPS_X);
      const params = new ArrayBuffer(32);
      new Uint32Array(params, 0, 4).set([count, samples, smoothingTaps(windowMs, dtMs), gridX * WORKGROUP]);
      new Float32Array(params, 16, 1).set([scale]);
      const buffers = [
        runtime.uniform(new Uint8Array(params)),
        window,
        runtime.storage(x.subarray(start * samples, (start + count) * samples)),
        runtime.storage(threads * 4),
      ];
      try {
        runtime.run(pipeline, buffers, [gridX, Math.ceil(groups / gridX)]);
        await runtime.readInto(buffers[3], out.subarray(start * samples, (start + count) * samples));
      } finally {
        for (const b of [buffers[0], buffers[2], buffers[3]]) b.destroy();
      }
    }
  } finally {
    window.destroy();
  }
  return out;
}
