/**
 * Event waveforms (Shin et al. 2017; Sherman et al. 2016): each event's raw time course aligned on its most prominent
 * trough near the event's peak time, averaged in bins of trough amplitude, and brought onto a model's time base (in
 * its units, trough at a chosen time, smoothed as the model smooths its dipole) to condition a posterior on.
 */
import { resampleWaveform } from "../data/waveform.ts";
import { smoothWaveform } from "../stats/smooth.ts";
import type { Trials } from "./detect.ts";
import type { SpectralEvent } from "./events.ts";

export interface WaveformOptions {
  /** Sampling rate of the trials, Hz. */
  fs: number;
  /** Increasing trough amplitudes (nAm) that bound the bins: bin i holds lower ≤ trough < upper. */
  binEdgesNam: readonly number[];
  /** nAm per unit of the recording (A·m: 1e9). */
  toNam: number;
  /** Each event's segment runs this long either side of its trough, ms. */
  segmentMs: number;
}

/** Where an event's trough lies, or why it has none. */
export type TroughResult = { sample: number } | { reason: "no_trough" };

/**
 * The most prominent trough of `trial` near `peakTimeS`: the deepest local minimum within half a cycle of the
 * event's peak frequency either side of its peak time (one full cycle, so one trough of the rhythm).
 */
export function findTrough(trial: ArrayLike<number>, fs: number, peakTimeS: number, peakFreqHz: number): TroughResult {
  const centre = Math.round(peakTimeS * fs), reach = Math.round(fs / (2 * peakFreqHz));
  let best = -1;
  for (let k = Math.max(1, centre - reach); k <= Math.min(trial.length - 2, centre + reach); k++) {
    const isMinimum = trial[k] <= trial[k - 1] && trial[k] <= trial[k + 1] &&
      trial[k] < Math.max(trial[k - 1], trial[k + 1]);
    if (isMinimum && (best < 0 || trial[k] < trial[best])) best = k;
  }
  return best < 0 ? { reason: "no_trough" } : { sample: best };
}

export interface WaveformBin {
  lower_nam: number;
  upper_nam: number;
  n_events: number;
  /** The bin's average segment, nAm, on `segment_times_ms`; null without events. */
  mean_nam: number[] | null;
  /** The segments' standard deviation about that average (n − 1), nAm; null with fewer than two events. */
  sd_nam: number[] | null;
}

export interface EventWaveforms {
  /** Segment times relative to the trough, ms. */
  segment_times_ms: number[];
  bins: WaveformBin[];
  counts: {
    events: number;
    /** Events without a local minimum within half a cycle of their peak. */
    no_trough: number;
    /** Events whose segment would run past their trial's edges. */
    at_edges: number;
    /** Events whose trough lies outside every bin. */
    outside_bins: number;
  };
}

/** Trough-aligned segments of `events` (one list per trial of `trials`) averaged in bins of trough amplitude. */
export function eventWaveforms(trials: Trials, events: SpectralEvent[][], options: WaveformOptions): EventWaveforms {
  const { fs, binEdgesNam: edges, toNam, segmentMs } = options;
  if (edges.length < 2 || edges.some((e, i) => !Number.isFinite(e) || (i > 0 && e <= edges[i - 1]))) {
    throw new Error(`bin edges must be at least two increasing numbers (nAm), got ${edges.join(",")}`);
  }
  if (events.length !== trials.nTrials) throw new Error(`${events.length} event lists for ${trials.nTrials} trials`);
  const half = Math.round((segmentMs * fs) / 1000);
  if (half < 1) throw new Error(`a segment of ±${segmentMs} ms holds no sample at ${fs} Hz`);
  const length = 2 * half + 1;
  const sums = edges.slice(1).map(() => new Float64Array(length));
  const squares = sums.map(() => new Float64Array(length));
  const counts = { events: 0, no_trough: 0, at_edges: 0, outside_bins: 0 };
  const binCounts = sums.map(() => 0);
  events.forEach((trialEvents, i) => {
    const trial = trials.data.subarray(i * trials.nTimes, (i + 1) * trials.nTimes);
    for (const event of trialEvents) {
      counts.events++;
      const trough = findTrough(trial, fs, event.peak_time_s, event.peak_freq_hz);
      if ("reason" in trough) {
        counts.no_trough++;
        continue;
      }
      if (trough.sample - half < 0 || trough.sample + half >= trials.nTimes) {
        counts.at_edges++;
        continue;
      }
      const amplitude = trial[trough.sample] * toNam;
      const bin = edges.findIndex((lower, b) => b < sums.length && lower <= amplitude && amplitude < edges[b + 1]);
      if (bin < 0) {
        counts.outside_bins++;
        continue;
      }
      binCounts[bin]++;
      for (let k = 0; k < length; k++) {
        const v = trial[trough.sample - half + k] * toNam;
        sums[bin][k] += v;
        squares[bin][k] += v * v;
      }
    }
  });
  return {
    segment_times_ms: Array.from({ length }, (_, k) => ((k - half) * 1000) / fs),
    bins: sums.map((sum, b) => {
      const n = binCounts[b];
      return {
        lower_nam: edges[b],
        upper_nam: edges[b + 1],
        n_events: n,
        mean_nam: n === 0 ? null : Array.from(sum, (v) => v / n),
        // Clamped at 0: rounding can leave a constant sample's variance a hair below it.
        sd_nam: n < 2
          ? null
          : Array.from(sum, (v, k) => Math.sqrt(Math.max(0, (squares[b][k] - (v * v) / n) / (n - 1)))),
      };
    }),
    counts,
  };
}

/** A model's time base and how its dipole is processed (defaults: the `beta` experiment, as the seed paper). */
export interface ModelTimeBase {
  /** First and end time of the model's x, ms: samples from + k·dt < to. */
  windowMs: readonly [number, number];
  dtMs: number;
  /** Where the trough goes, ms. */
  troughMs: number;
  /** nAm per unit of x (the seed paper divided the recordings by 60,000). */
  scale: number;
  /** Hamming window (ms) the model smooths its dipole with; 0 for none. */
  smoothMs: number;
}

export const BETA_TIME_BASE: ModelTimeBase = {
  windowMs: [158, 258],
  dtMs: 0.5,
  troughMs: 208,
  scale: 60000,
  smoothMs: 20,
};

/**
 * An averaged segment (nAm on times relative to its trough) as an x of the model: resampled onto the model's step
 * with the trough at `troughMs`, divided by `scale` and smoothed over a span reaching `smoothMs` past both ends of
 * the window (as the model smooths its whole run before the window is cut), then cut to the window.
 */
export function onModelTimeBase(
  segmentTimesMs: readonly number[],
  meanNam: readonly number[],
  base: ModelTimeBase,
): { times_ms: number[]; x: number[] } {
  const { windowMs: [from, to], dtMs, troughMs, scale, smoothMs } = base;
  const n = Math.round((to - from) / dtMs);
  if (!(n > 0) || !(dtMs > 0)) throw new Error(`model window ${from}–${to} ms at dt ${dtMs} ms holds no sample`);
  if (!Number.isFinite(troughMs)) throw new Error(`the trough's time must be a number of ms, got ${troughMs}`);
  const margin = Math.ceil(smoothMs / dtMs);
  const start = from - margin * dtMs;
  const grid = Array.from({ length: n + 2 * margin }, (_, k) => start + k * dtMs);
  const shifted = { times: Float64Array.from(segmentTimesMs, (t) => t + troughMs), values: Float64Array.from(meanNam) };
  const label = `the event segment (trough at ${troughMs} ms, ${segmentTimesMs[0]}–${
    segmentTimesMs.at(-1)
  } ms about it)`;
  const resampled = resampleWaveform(shifted, grid, label);
  const x = smoothMs > 0
    ? smoothWaveform(resampled, smoothMs, dtMs, 1 / scale)
    : Float64Array.from(resampled, (v) => v / scale);
  return { times_ms: grid.slice(margin, margin + n), x: Array.from(x.subarray(margin, margin + n)) };
}
