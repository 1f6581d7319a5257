/**
 * The Morlet TFR on the GPU (kernels/tfr.wgsl): the same detrending and wavelets as the float64 reference
 * (lib/events/tfr.ts), the convolutions in float32, one thread per trial, frequency and sample.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { KernelSpec } from "../gpu/kernels.ts";
import { struct } from "../gpu/layout.ts";
import { runRowProgram } from "../stats/row_program.ts";
import { detrendLinear, morletWavelet, type Tfr, type TfrOptions } from "./tfr.ts";

/** kernels/tfr.wgsl's uniform. */
export const TFR_PARAMS = struct("Params", {
  rows: "u32", // trials in this dispatch
  samples: "u32", // samples per trial
  freqs: "u32",
  dt: "f32", // sampling interval, s
});

export const TFR_KERNEL: KernelSpec = { file: "tfr", structs: [TFR_PARAMS] };

export async function computeTfrGpu(
  runtime: GpuRuntime,
  trials: Float64Array,
  nTrials: number,
  nTimes: number,
  options: TfrOptions,
): Promise<Tfr> {
  const { fs, freqs, width = 7 } = options;
  const nFreqs = freqs.length;
  const detrended = new Float64Array(nTrials * nTimes);
  for (let trial = 0; trial < nTrials; trial++) {
    detrended.set(detrendLinear(trials.subarray(trial * nTimes, (trial + 1) * nTimes)), trial * nTimes);
  }
  // Recordings in A·m are ~1e-8: scaled to a unit peak so float32 squares stay far from underflow; power scales by
  // the square.
  const peak = detrended.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const wavelets = freqs.map((f) => morletWavelet(f, fs, width));
  const at = new Uint32Array(2 * nFreqs);
  const taps = new Float32Array(2 * wavelets.reduce((n, w) => n + w.re.length, 0));
  let next = 0;
  wavelets.forEach((w, f) => {
    at[2 * f] = next;
    at[2 * f + 1] = (w.re.length - 1) / 2;
    for (let k = 0; k < w.re.length; k++, next++) {
      taps[2 * next] = w.re[k];
      taps[2 * next + 1] = w.im[k];
    }
  });
  const waveletAt = runtime.storage(at), tapBuffer = runtime.storage(taps);
  try {
    const scaled = Float32Array.from(detrended, (v) => v / peak);
    const power32 = await runRowProgram(runtime, {
      kernel: TFR_KERNEL,
      samples: nTimes,
      outPerRow: nFreqs * nTimes,
      threadsPerRow: nFreqs * nTimes,
      uniform: (rows) => TFR_PARAMS.pack({ rows, samples: nTimes, freqs: nFreqs, dt: 1 / fs }),
      constants: [waveletAt, tapBuffer],
    }, scaled);
    return { nTrials, nFreqs, nTimes, power: Float64Array.from(power32, (v) => v * peak * peak) };
  } finally {
    waveletAt.destroy();
    tapBuffer.destroy();
  }
}
