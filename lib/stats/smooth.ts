/**
 * Dipole post-processing as hnn-core applies it (`utils.py::smooth_waveform`, `Dipole.scale`): a normalised Hamming
 * window of round(window_ms · sampling rate) samples convolved in numpy's "same" mode, then a scale factor.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { KernelSpec } from "../gpu/kernels.ts";
import { struct } from "../gpu/layout.ts";
import { runRowProgram } from "./row_program.ts";

/** kernels/hamming_smooth.wgsl's uniform. */
export const SMOOTH_PARAMS = struct("Params", {
  rows: "u32",
  samples: "u32",
  taps: "u32",
  scale: "f32", // applied after smoothing (Dipole.scale)
});

export const SMOOTH_KERNEL: KernelSpec = { file: "hamming_smooth", structs: [SMOOTH_PARAMS] };

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
  const w = Float64Array.from(
    { length: taps },
    (_, n) => taps === 1 ? 1 : 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (taps - 1)),
  );
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

/** Smooth and scale every row of x (rows × samples) on the GPU. */
export async function smoothRowsGpu(
  runtime: GpuRuntime,
  x: Float32Array,
  samples: number,
  windowMs: number,
  dtMs: number,
  scale = 1,
): Promise<Float32Array> {
  const taps = smoothingTaps(windowMs, dtMs);
  const window = runtime.storage(new Float32Array(hammingWindow(taps)));
  try {
    return await runRowProgram(runtime, {
      kernel: SMOOTH_KERNEL,
      samples,
      outPerRow: samples,
      threadsPerRow: samples,
      uniform: (rows) => SMOOTH_PARAMS.pack({ rows, samples, taps, scale }),
      constants: [window],
    }, x);
  } finally {
    window.destroy();
  }
}
