/**
 * Beta-event detection on recorded trials, end to end: the checks a recording must pass, then the TFR and the events.
 * Every failed check is one line naming what is wrong, before any work.
 */
import { readMaybeGzip } from "../data/gzip.ts";
import { decodeNpyFloat64 } from "../data/npy.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import { findEvents, type SpectralEvent } from "./events.ts";
import { computeTfr, type Tfr, type TfrOptions } from "./tfr.ts";
import { computeTfrGpu } from "./tfr_gpu.ts";

export interface DetectOptions {
  /** Sampling rate, Hz. */
  fs: number;
  /** Band of interest, Hz, inclusive. */
  band: readonly [number, number];
  /** Threshold as a factor of each frequency's median power. */
  thresholdFom: number;
  /** Lowest and highest frequency of the TFR, Hz, in 1 Hz steps (Shin et al.: 1–60). */
  freqRange?: readonly [number, number];
  /** Cycles per wavelet (Shin et al.: 7). */
  width?: number;
}

/** Trials × samples, row-major. */
export interface Trials {
  nTrials: number;
  nTimes: number;
  data: Float64Array;
}

/** The trials of a .npy (or .npy.gz) file holding a float64 (or float32) array of trials × samples. */
export async function readTrials(path: string): Promise<Trials> {
  let bytes: Uint8Array;
  try {
    bytes = await readMaybeGzip(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const { shape, data } = decodeNpyFloat64(bytes, path);
  if (shape.length !== 2) {
    throw new Error(`${path}: expected trials × samples (a 2-D array), found shape (${shape.join(", ")})`);
  }
  return { nTrials: shape[0], nTimes: shape[1], data };
}

export const DEFAULT_FREQ_RANGE = [1, 60] as const;

/** The TFR's frequencies: lowest to highest in 1 Hz steps. */
export function tfrFrequencies([low, high]: readonly [number, number]): number[] {
  return Array.from({ length: Math.floor(high - low) + 1 }, (_, i) => low + i);
}

/** Throws one line describing the first reason these trials and options cannot be analysed. */
export function checkDetectInput(trials: Trials, options: DetectOptions): void {
  const { nTrials, nTimes, data } = trials;
  const { fs, band, thresholdFom, freqRange = DEFAULT_FREQ_RANGE, width = 7 } = options;
  if (nTrials < 1 || nTimes < 3) throw new Error(`need at least 1 trial of 3 samples, got ${nTrials} × ${nTimes}`);
  const bad = data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new Error(
      `trial ${Math.floor(bad / nTimes)}, sample ${bad % nTimes} is ${data[bad]}: the recording must be finite`,
    );
  }
  if (!(fs > 0) || !Number.isFinite(fs)) throw new Error(`fs must be a positive number of Hz, got ${fs}`);
  if (!(thresholdFom > 0) || !Number.isFinite(thresholdFom)) {
    throw new Error(`the threshold factor must be positive, got ${thresholdFom}`);
  }
  if (!(width > 0)) throw new Error(`the wavelet width must be a positive number of cycles, got ${width}`);
  const [low, high] = band;
  if (!(low <= high)) throw new Error(`band ${low}–${high} Hz: the lower bound must not exceed the upper`);
  const nyquist = fs / 2;
  if (low < 1 || high > nyquist) {
    throw new Error(
      high > nyquist && low >= 1
        ? `fs ${fs} Hz is too low for the ${low}–${high} Hz band: frequencies above fs/2 = ${nyquist} Hz alias`
        : `band ${low}–${high} Hz lies outside 1–${nyquist} Hz (1 Hz to fs/2)`,
    );
  }
  const [fLow, fHigh] = freqRange;
  if (!Number.isInteger(fHigh - fLow) || !(fLow > 0) || fHigh < fLow) {
    throw new Error(`the TFR's frequencies ${fLow}–${fHigh} Hz must be positive and a whole number of 1 Hz steps`);
  }
  if (fHigh > nyquist) {
    throw new Error(`the TFR reaches ${fHigh} Hz, above fs/2 = ${nyquist} Hz; lower its top frequency`);
  }
  if (low < fLow || high > fHigh) {
    throw new Error(`band ${low}–${high} Hz lies outside the TFR's frequencies ${fLow}–${fHigh} Hz`);
  }
  const resolvable = fs / nTimes;
  if (fLow < resolvable) {
    throw new Error(
      `trials of ${nTimes} samples (${nTimes / fs} s) resolve frequencies from ${resolvable} Hz; the TFR starts at ` +
        `${fLow} Hz`,
    );
  }
}

/** The events of every trial, one list per trial in its order, after `checkDetectInput`. */
export function detectEvents(trials: Trials, options: DetectOptions): SpectralEvent[][] {
  return detectEventsWithTfr(trials, options).events;
}

/** `detectEvents` and the TFR they were found in. */
export function detectEventsWithTfr(trials: Trials, options: DetectOptions): { tfr: Tfr; events: SpectralEvent[][] } {
  checkDetectInput(trials, options);
  const tfr = computeTfr(trials.data, trials.nTrials, trials.nTimes, tfrOptions(options));
  return { tfr, events: eventsOfTfr(tfr, options) };
}

/** `detectEvents` with the TFR computed on the GPU in float32 (the events agree; docs/events.md). */
export async function detectEventsGpu(
  runtime: GpuRuntime,
  trials: Trials,
  options: DetectOptions,
): Promise<SpectralEvent[][]> {
  checkDetectInput(trials, options);
  const tfr = await computeTfrGpu(runtime, trials.data, trials.nTrials, trials.nTimes, tfrOptions(options));
  return eventsOfTfr(tfr, options);
}

export function tfrOptions(options: DetectOptions): TfrOptions {
  return { fs: options.fs, freqs: tfrFrequencies(options.freqRange ?? DEFAULT_FREQ_RANGE), width: options.width };
}

function eventsOfTfr(tfr: Tfr, options: DetectOptions): SpectralEvent[][] {
  const freqs = tfrFrequencies(options.freqRange ?? DEFAULT_FREQ_RANGE);
  return findEvents(tfr, { fs: options.fs, freqs, band: options.band, thresholdFom: options.thresholdFom });
}
