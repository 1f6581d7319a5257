/**
 * Spectral events, "find method 1" of Shin et al. (2017) as SpectralEvents implements it (`find_events`): the
 * regional maxima of each trial's TFR (3×3 neighbourhood, plateaus merged into their power-weighted centre) that lie
 * inside the band and above a factor of each frequency's median power over all trials and times, with onset, offset
 * and frequency span from the full width at half maximum through the peak.
 */
import type { Tfr } from "./tfr.ts";

/** One event, in the JSON terms of the `events` command. */
export interface SpectralEvent {
  peak_time_s: number;
  peak_freq_hz: number;
  lower_freq_hz: number;
  upper_freq_hz: number;
  freq_span_hz: number;
  onset_s: number;
  offset_s: number;
  duration_s: number;
  peak_power: number;
  /** Peak power over the median power of its frequency. */
  normalized_peak_power: number;
}

export interface FindEventsOptions {
  /** Sampling rate, Hz: times are k/fs. */
  fs: number;
  /** The TFR's frequencies, Hz, evenly spaced. */
  freqs: readonly number[];
  /** Lower and upper bound of the band of interest, Hz, inclusive. */
  band: readonly [number, number];
  /** Threshold as a factor of the median power (Shin et al.: 6). */
  thresholdFom: number;
}

/** Median power per frequency over all trials and times (numpy's median: the mean of the middle two for even n). */
export function medianPowers(tfr: Tfr): Float64Array {
  const { nTrials, nFreqs, nTimes, power } = tfr;
  const values = new Float64Array(nTrials * nTimes);
  return Float64Array.from({ length: nFreqs }, (_, f) => {
    for (let trial = 0; trial < nTrials; trial++) {
      values.set(power.subarray((trial * nFreqs + f) * nTimes, (trial * nFreqs + f + 1) * nTimes), trial * nTimes);
    }
    values.sort();
    const mid = values.length >> 1;
    return values.length % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
  });
}

/** Python's round() of a float: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Pixels of one trial's TFR (nFreqs × nTimes) that equal the maximum of their 3×3 neighbourhood (clipped at the
 * edges, as scipy's reflecting filter) and whose neighbourhood is not flat.
 */
function regionalMaximaMask(tfr: Float64Array, nFreqs: number, nTimes: number): Uint8Array {
  const mask = new Uint8Array(nFreqs * nTimes);
  for (let f = 0; f < nFreqs; f++) {
    for (let t = 0; t < nTimes; t++) {
      let max = -Infinity, min = Infinity;
      for (let g = Math.max(0, f - 1); g <= Math.min(nFreqs - 1, f + 1); g++) {
        for (let u = Math.max(0, t - 1); u <= Math.min(nTimes - 1, t + 1); u++) {
          const v = tfr[g * nTimes + u];
          if (v > max) max = v;
          if (v < min) min = v;
        }
      }
      if (tfr[f * nTimes + t] === max && max !== min) mask[f * nTimes + t] = 1;
    }
  }
  return mask;
}

/**
 * The power-weighted centres (rounded to the nearest pixel) of the 4-connected groups of `mask`, in the order of each
 * group's first pixel in a row-major scan (scipy.ndimage's label numbering).
 */
function regionCentres(tfr: Float64Array, mask: Uint8Array, nFreqs: number, nTimes: number): [number, number][] {
  const seen = new Uint8Array(mask.length);
  const centres: [number, number][] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let weight = 0, fSum = 0, tSum = 0;
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      const f = Math.floor(p / nTimes), t = p % nTimes, w = tfr[p];
      weight += w;
      fSum += w * f;
      tSum += w * t;
      for (const [g, u] of [[f - 1, t], [f + 1, t], [f, t - 1], [f, t + 1]]) {
        const q = g * nTimes + u;
        if (g >= 0 && g < nFreqs && u >= 0 && u < nTimes && mask[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    centres.push([roundHalfEven(fSum / weight), roundHalfEven(tSum / weight)]);
  }
  return centres;
}

/**
 * Lower and upper index of the full width at half maximum of `vec` about `peak`, and the width in samples, with
 * Shin et al.'s rules where it runs off an edge (the width is then twice the side that fits, or twice the length).
 */
export function fwhmBounds(vec: ArrayLike<number>, peak: number, peakValue: number): [number, number, number] {
  const half = peakValue / 2;
  let lower = -1, upper = -1;
  for (let i = peak - 1; i >= 0 && lower < 0; i--) if (vec[i] < half) lower = i;
  for (let i = peak; i < vec.length && upper < 0; i++) if (vec[i] < half) upper = i;
  if (lower >= 0 && upper >= 0) return [lower, upper, upper - lower];
  if (lower >= 0) return [lower, vec.length - 1, 2 * (peak - lower + 1)];
  if (upper >= 0) return [0, upper, 2 * (upper - peak + 1)];
  return [0, vec.length - 1, 2 * vec.length];
}

/** The events of every trial of `tfr`, one list per trial in its order. */
export function findEvents(tfr: Tfr, options: FindEventsOptions): SpectralEvent[][] {
  const { nTrials, nFreqs, nTimes, power } = tfr;
  const { fs, freqs, band, thresholdFom } = options;
  if (freqs.length !== nFreqs) throw new Error(`the TFR has ${nFreqs} frequencies, ${freqs.length} given`);
  const medians = medianPowers(tfr);
  const silent = freqs.findIndex((f, i) => f >= band[0] && f <= band[1] && medians[i] === 0);
  if (silent >= 0) {
    throw new Error(
      `the median power at ${
        freqs[silent]
      } Hz is 0 (most samples carry no power: flat trials?), so no threshold exists`,
    );
  }
  const freqStep = freqs.length > 1 ? freqs[1] - freqs[0] : 1;
  const events: SpectralEvent[][] = [];
  for (let trial = 0; trial < nTrials; trial++) {
    const tf = power.subarray(trial * nFreqs * nTimes, (trial + 1) * nFreqs * nTimes);
    const trialEvents: SpectralEvent[] = [];
    for (const [f, t] of regionCentres(tf, regionalMaximaMask(tf, nFreqs, nTimes), nFreqs, nTimes)) {
      const peakPower = tf[f * nTimes + t];
      if (freqs[f] < band[0] || freqs[f] > band[1] || !(peakPower > medians[f] * thresholdFom)) continue;
      const column = Float64Array.from({ length: nFreqs }, (_, g) => tf[g * nTimes + t]);
      const [lowF, highF, widthF] = fwhmBounds(column, f, peakPower);
      const [lowT, highT, widthT] = fwhmBounds(tf.subarray(f * nTimes, (f + 1) * nTimes), t, peakPower);
      trialEvents.push({
        peak_time_s: t / fs,
        peak_freq_hz: freqs[f],
        lower_freq_hz: freqs[lowF],
        upper_freq_hz: freqs[highF],
        freq_span_hz: widthF * freqStep,
        onset_s: lowT / fs,
        offset_s: highT / fs,
        duration_s: widthT / fs,
        peak_power: peakPower,
        normalized_peak_power: peakPower / medians[f],
      });
    }
    events.push(trialEvents);
  }
  return events;
}
