/** Peak features of waveforms on the GPU: max, min and the times (ms) they first occur, rows × 4. */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { KernelSpec } from "../gpu/kernels.ts";
import { struct } from "../gpu/layout.ts";
import { runRowProgram } from "./row_program.ts";

export const PEAK_FEATURES = ["max", "min", "t_max_ms", "t_min_ms"] as const;

/** kernels/peaks.wgsl's uniform. */
export const PEAKS_PARAMS = struct("Params", {
  rows: "u32",
  samples: "u32",
  t0: "f32", // ms, time of the first sample
  dt: "f32", // ms between samples
});

export const PEAKS_KERNEL: KernelSpec = { file: "peaks", structs: [PEAKS_PARAMS] };

export function peakFeaturesGpu(runtime: GpuRuntime, x: Float32Array, samples: number, t0Ms: number, dtMs: number) {
  return runRowProgram(runtime, {
    kernel: PEAKS_KERNEL,
    samples,
    outPerRow: PEAK_FEATURES.length,
    threadsPerRow: 1,
    uniform: (rows) => PEAKS_PARAMS.pack({ rows, samples, t0: t0Ms, dt: dtMs }),
  }, x);
}
