/**
 * Summary statistics of waveforms, each usable as x for training: the raw (windowed) series, PCA fitted on the
 * training set, peak features, log band power and the log power spectrum. `fitSummary` learns what needs the
 * training set (the PCA basis); the fitted summary is plain JSON, saved beside a posterior and reapplied to
 * observations.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import { PEAK_FEATURES, peakFeaturesGpu } from "./peaks.ts";
import { fitPca, type PcaModel, transformPca } from "./pca.ts";
import { DEFAULT_BANDS, logBandPower, logSpectrum, periodogramGpu, spectrumBins } from "./spectrum.ts";

export type SummarySpec =
  | { kind: "raw"; window_ms?: [number, number] }
  | { kind: "pca"; components: number; window_ms?: [number, number] }
  | { kind: "peaks"; window_ms?: [number, number] }
  | { kind: "bandpower"; bands_hz?: [number, number][]; window_ms?: [number, number] }
  | { kind: "psd"; fmax_hz?: number; window_ms?: [number, number] };

export interface FittedSummary {
  spec: SummarySpec;
  /** Sample times of the waveforms it applies to, ms (evenly spaced). */
  times_ms: [first: number, dt: number, count: number];
  /** Names of the output features, in order. */
  names: string[];
  pca?: PcaModel;
}

function timeBase(timesMs: ArrayLike<number>): [number, number, number] {
  if (timesMs.length < 2) throw new Error("summary statistics need waveforms of at least 2 samples");
  const dt = timesMs[1] - timesMs[0];
  if (!(dt > 0)) throw new Error("sample times must increase");
  return [timesMs[0], dt, timesMs.length];
}

/** Sample range [start, stop) inside the window (whole waveform without one). */
function windowRange(spec: SummarySpec, [t0, dt, count]: [number, number, number]): [number, number] {
  if (!spec.window_ms) return [0, count];
  const [lo, hi] = spec.window_ms;
  const start = Math.max(0, Math.ceil((lo - t0) / dt - 1e-9)),
    stop = Math.min(count, Math.floor((hi - t0) / dt + 1e-9) + 1);
  if (stop - start < 2) throw new Error(`window [${lo}, ${hi}] ms holds fewer than 2 samples`);
  return [start, stop];
}

function cropRows(x: Float32Array, count: number, [start, stop]: [number, number]): Float32Array {
  if (start === 0 && stop === count) return x;
  const rows = x.length / count, width = stop - start;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(x.subarray(r * count + start, r * count + stop), r * width);
  return out;
}

export async function fitSummary(
  runtime: GpuRuntime,
  spec: SummarySpec,
  x: Float32Array,
  timesMs: ArrayLike<number>,
): Promise<FittedSummary> {
  const base = timeBase(timesMs);
  const [start, stop] = windowRange(spec, base);
  const width = stop - start, dt = base[1];
  if (x.length % base[2] !== 0) throw new Error(`x must be rows of ${base[2]} samples`);
  switch (spec.kind) {
    case "raw":
      return {
        spec,
        times_ms: base,
        names: Array.from({ length: width }, (_, i) => `x@${(base[0] + (start + i) * dt).toFixed(3)}ms`),
      };
    case "pca": {
      const pca = await fitPca(runtime, cropRows(x, base[2], [start, stop]), width, spec.components);
      return { spec, times_ms: base, names: pca.components.map((_, i) => `pc${i + 1}`), pca };
    }
    case "peaks":
      return { spec, times_ms: base, names: [...PEAK_FEATURES] };
    case "bandpower":
      return {
        spec,
        times_ms: base,
        names: (spec.bands_hz ?? DEFAULT_BANDS).map(([lo, hi]) => `log10_power_${lo}_${hi}Hz`),
      };
    case "psd": {
      const { bins, df } = spectrumBins(width, dt, spec.fmax_hz ?? 200);
      return {
        spec,
        times_ms: base,
        names: Array.from({ length: bins - 1 }, (_, k) => `log10_psd_${((k + 1) * df).toFixed(2)}Hz`),
      };
    }
  }
}

/** Apply a fitted summary to waveforms on its time base: rows × names.length. */
export async function computeSummary(
  runtime: GpuRuntime,
  fitted: FittedSummary,
  x: Float32Array,
): Promise<Float32Array> {
  const [t0, dt, count] = fitted.times_ms;
  if (x.length % count !== 0) throw new Error(`x must be rows of ${count} samples (the summary's time base)`);
  const range = windowRange(fitted.spec, fitted.times_ms);
  const cropped = cropRows(x, count, range), width = range[1] - range[0];
  const spec = fitted.spec;
  switch (spec.kind) {
    case "raw":
      return cropped;
    case "pca":
      return await transformPca(runtime, fitted.pca!, cropped);
    case "peaks":
      return await peakFeaturesGpu(runtime, cropped, width, t0 + range[0] * dt, dt);
    case "bandpower": {
      const { bins, df } = spectrumBins(width, dt, Math.max(...(spec.bands_hz ?? DEFAULT_BANDS).map(([, hi]) => hi)));
      const power = await periodogramGpu(runtime, cropped, width, dt, bins * df);
      return logBandPower(power, bins, df, spec.bands_hz ?? DEFAULT_BANDS);
    }
    case "psd": {
      const { bins, df } = spectrumBins(width, dt, spec.fmax_hz ?? 200);
      return logSpectrum(await periodogramGpu(runtime, cropped, width, dt, bins * df), bins);
    }
  }
}
