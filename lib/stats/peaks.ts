/** Peak features of waveforms on the GPU: max, min and the times (ms) they first occur, rows × 4. */
import type { GpuRuntime } from "../gpu/runtime.ts";
import { header, runRowProgram } from "./row_program.ts";

export const PEAK_FEATURES = ["max", "min", "t_max_ms", "t_min_ms"] as const;

export function peakFeaturesGpu(runtime: GpuRuntime, x: Float32Array, samples: number, t0Ms: number, dtMs: number) {
  return runRowProgram(runtime, {
    kernel: "peaks",
    samples,
    outPerRow: PEAK_FEATURES.length,
    threadsPerRow: 1,
    header: (rows, rowStride) => header([rows, samples, rowStride], [t0Ms, dtMs]),
  }, x);
}
