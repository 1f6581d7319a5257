/** Power spectra of waveforms on the GPU: the periodogram below a cut-off, log band powers, log spectrum. */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { KernelSpec } from "../gpu/kernels.ts";
import { struct } from "../gpu/layout.ts";
import { runRowProgram } from "./row_program.ts";

/** The seed paper's bands, Hz: [low, high). */
export const DEFAULT_BANDS: [number, number][] = [[0, 13], [13, 30], [30, 50], [50, 80]];

/** kernels/spectrum.wgsl's uniform. */
export const SPECTRUM_PARAMS = struct("Params", {
  rows: "u32",
  samples: "u32",
  bins: "u32",
  fs: "f32", // sampling rate, Hz
});

export const SPECTRUM_KERNEL: KernelSpec = { file: "spectrum", structs: [SPECTRUM_PARAMS] };

/** DFT bins with frequency below `fmaxHz` (k·fs/N < fmax), capped at the Nyquist bin. */
export function spectrumBins(samples: number, dtMs: number, fmaxHz: number): { bins: number; df: number } {
  const fs = 1000 / dtMs, df = fs / samples;
  const bins = Math.min(Math.floor(samples / 2) + 1, Math.ceil(fmaxHz / df));
  if (bins < 2) {
    throw new Error(`a ${samples}-sample waveform resolves only ${df.toFixed(2)} Hz: no bin below ${fmaxHz} Hz`);
  }
  return { bins, df };
}

/** Periodogram (V²/Hz) of each row at frequencies k·df, k < bins; rows × bins. */
export function periodogramGpu(runtime: GpuRuntime, x: Float32Array, samples: number, dtMs: number, fmaxHz: number) {
  const { bins } = spectrumBins(samples, dtMs, fmaxHz);
  return runRowProgram(runtime, {
    kernel: SPECTRUM_KERNEL,
    samples,
    outPerRow: bins,
    threadsPerRow: bins,
    uniform: (rows) => SPECTRUM_PARAMS.pack({ rows, samples, bins, fs: 1000 / dtMs }),
  }, x);
}

/** Floor added before taking logs, so silent rows give a finite (very negative) feature. */
const LOG_FLOOR = 1e-30;

/** log10 of the power in each band (Σ P·df over bins with low ≤ f < high), rows × bands. */
export function logBandPower(
  power: Float32Array,
  bins: number,
  df: number,
  bands: [number, number][] = DEFAULT_BANDS,
): Float32Array {
  const rows = power.length / bins;
  const out = new Float32Array(rows * bands.length);
  for (let r = 0; r < rows; r++) {
    bands.forEach(([lo, hi], b) => {
      let sum = 0;
      for (let k = Math.ceil(lo / df); k < bins && k * df < hi; k++) sum += power[r * bins + k] * df;
      out[r * bands.length + b] = Math.log10(sum + LOG_FLOOR);
    });
  }
  return out;
}

/** log10 power spectrum, dropping the (detrended, always zero) DC bin: rows × (bins − 1). */
export function logSpectrum(power: Float32Array, bins: number): Float32Array {
  const rows = power.length / bins;
  const out = new Float32Array(rows * (bins - 1));
  for (let r = 0; r < rows; r++) {
    for (let k = 1; k < bins; k++) out[r * (bins - 1) + k - 1] = Math.log10(power[r * bins + k] + LOG_FLOOR);
  }
  return out;
}
