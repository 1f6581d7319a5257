/**
 * Recorded waveforms as observations of a simulator: waveform files (the MEG ERPs in data/meg, hnn-core dipole files,
 * a user's own) shifted in time, baseline-corrected, cut to its window and resampled onto its time base, brought to its
 * units and smoothed as it smooths x, so that the posterior sees data processed like its training waveforms; and the
 * averaged beta events of the MEG in data/meg/beta, found at run time (lib/events).
 */
import { type DipoleColumn, parseWaveform, resampleWaveform, type Waveform } from "../data/waveform.ts";
import { BETA_MEG, eventObservation, type EventPlacement, pooledEventWaveforms } from "../events/beta_meg.ts";
import type { Simulator } from "../models/model.ts";
import { smoothWaveform } from "../stats/smooth.ts";

/** How a recording maps onto a simulator's x. */
export interface RecordingUnits {
  /** Recording units per unit of x (for HNN, the dipole scale factor of one network): x = recording / scale. */
  scale: number;
  /** The Hamming window (ms) the simulator smooths x with, 0 for none; the recording gets the same. */
  smoothMs: number;
}

/** A recording's own preparation besides its units: which column, where its time zero lies, its baseline. */
export interface RecordingProcessing extends RecordingUnits {
  /** The column of an hnn-core dipole file (time, agg, L2, L5); a two-column file has `agg` only. */
  column?: DipoleColumn;
  /** Added to the file's times (ms) to put them on the model's: −100 when the stimulus sits at 100 ms in the file. */
  offsetMs?: number;
  /** [from, to] (ms, after the offset): the recording's mean over it is subtracted first; none: left as it is. */
  baselineMs?: [number, number];
}

export interface Recording extends RecordingProcessing {
  id: string;
  label: string;
  /** Text file of two columns (time ms, value) or of hnn-core's four (lib/data/waveform.ts). */
  path: string;
}

/**
 * The trough-aligned average of the beta events of some subjects of data/meg/beta in one trough amplitude bin
 * (lib/events/beta_meg.ts), placed on the model's window.
 */
export interface EventRecording extends EventPlacement {
  id: string;
  label: string;
  subjects: readonly number[];
  /** Index of the bin in BETA_MEG.binEdgesNam. */
  bin: number;
}

/** An experiment's recorded observation: a waveform file or averaged MEG beta events. */
export type AnyRecording = Recording | EventRecording;

/** Whether `recording` is averaged beta events (else a waveform file). */
export function isEventRecording(recording: AnyRecording): recording is EventRecording {
  return "subjects" in recording;
}

/** A recording as an x of a model, and what of it was left out. */
export interface PreparedRecording {
  x: Float32Array;
  /** A line saying which part of a longer recording was used; empty when it spans just the model's window. */
  cut: string;
}

/** The processing's numbers are checked before use, so that a bad option is named rather than turned into NaN. */
function checkProcessing(p: RecordingProcessing, label: string): void {
  if (!Number.isFinite(p.scale) || p.scale === 0) throw new Error(`${label}: scale must be a non-zero number`);
  if (!Number.isFinite(p.smoothMs) || p.smoothMs < 0) {
    throw new Error(`${label}: smoothing must be 0 (none) or a positive window in ms`);
  }
  if (p.offsetMs !== undefined && !Number.isFinite(p.offsetMs)) throw new Error(`${label}: offset must be a number`);
  const b = p.baselineMs;
  if (b && !(Number.isFinite(b[0]) && Number.isFinite(b[1]) && b[0] < b[1])) {
    throw new Error(`${label}: the baseline window must be two times in ms, from < to`);
  }
}

const ms = (t: number) => `${+t.toFixed(3)}`;

/** `w` shifted by the offset and less its mean over the baseline window. */
function shiftedAndCorrected(w: Waveform, p: RecordingProcessing, label: string): Waveform {
  const offset = p.offsetMs ?? 0;
  const times = w.times.map((t) => t + offset);
  if (!p.baselineMs) return { times, values: w.values };
  const [from, to] = p.baselineMs;
  let sum = 0, count = 0;
  times.forEach((t, i) => {
    if (t >= from && t <= to) {
      sum += w.values[i];
      count++;
    }
  });
  if (count === 0) {
    throw new Error(
      `${label}: the baseline window ${ms(from)}–${ms(to)} ms holds no sample of the recording ` +
        `(${ms(times[0])}–${ms(times[times.length - 1])} ms${offset ? " after the offset" : ""})`,
    );
  }
  const mean = sum / count;
  return { times, values: w.values.map((v) => v - mean) };
}

/**
 * `w` as an x of `model`: shifted, baseline-corrected, resampled onto the model's time base (a longer recording is
 * cut to it, a shorter one refused), divided by the scale and smoothed like the model's x.
 */
export function prepareRecording(
  w: Waveform,
  model: Simulator,
  processing: RecordingProcessing,
  label = "recording",
): PreparedRecording {
  checkProcessing(processing, label);
  const shifted = shiftedAndCorrected(w, processing, label);
  const offset = processing.offsetMs ?? 0;
  const resampled = resampleWaveform(
    shifted,
    model.timesMs,
    offset ? `${label} (times ${offset > 0 ? "+" : "−"} ${Math.abs(offset)} ms)` : label,
  );
  const { scale, smoothMs } = processing;
  const x = smoothMs === 0
    ? resampled.map((v) => v / scale)
    : Float32Array.from(smoothWaveform(resampled, smoothMs, model.dtMs, 1 / scale));
  const times = shifted.times, first = model.timesMs[0], last = model.timesMs[model.timesMs.length - 1];
  const dt = model.dtMs;
  const longer = times[0] < first - dt || times[times.length - 1] > last + dt;
  const cut = longer
    ? `${label}: used ${ms(first)}–${ms(last)} ms (the model's window) of its ` +
      `${ms(times[0])}–${ms(times[times.length - 1])} ms`
    : "";
  return { x, cut };
}

/** `w` as an x of `model` (prepareRecording without the note on cutting). */
export function recordingAsObservation(
  w: Waveform,
  model: Simulator,
  processing: RecordingProcessing,
  label = "recording",
): Float32Array {
  return prepareRecording(w, model, processing, label).x;
}

/** The recording as an x of `model`; throws naming the file (or the subjects) when it cannot be made. */
export async function loadRecording(recording: AnyRecording, model: Simulator): Promise<Float32Array> {
  if (isEventRecording(recording)) {
    try {
      return (await eventObservation(recording.subjects, recording.bin, model, recording)).x;
    } catch (error) {
      throw new Error(`${recording.label}: ${(error as Error).message}`);
    }
  }
  const label = `${recording.label} (${recording.path})`;
  let text: string;
  try {
    text = await Deno.readTextFile(recording.path);
  } catch (error) {
    throw new Error(`${label}: cannot read it: ${(error as Error).message}`);
  }
  return recordingAsObservation(parseWaveform(text, label, recording.column), model, recording, label);
}

/** How the report draws a model's waveforms: values × `scale`, in `unit`, under `label`. */
export interface WaveformAxis {
  label: string;
  unit: string;
  scale: number;
}

/**
 * The axis on which x and a recording compare: the recording's units, x multiplied by the recording scale (HNN's
 * dipole scale factor: one network's nAm × 3000 is on the MEG recordings' nAm, as HNN draws them).
 */
export function waveformAxis(model: Simulator, units?: RecordingUnits): WaveformAxis {
  const unit = model.xUnit ?? "x";
  const scale = units?.scale ?? 1;
  if (scale === 1) return { label: model.xUnit ? `x (${unit})` : "x", unit, scale };
  // HNN's scale factor maps one network's dipole onto the recording's nAm; another model's x × scale is in the
  // recording's own units, which only the user knows.
  if (unit === "nAm") return { label: `dipole (nAm; one network × ${scale}, HNN's scale)`, unit, scale };
  return { label: `x × ${scale} (the recording's units; x in ${unit})`, unit: "the recording's units", scale };
}

/** What a conditioned recording was made from, for its observation record. */
export async function recordingSource(recording: AnyRecording): Promise<Record<string, unknown>> {
  if (!isEventRecording(recording)) {
    return {
      path: recording.path,
      column: recording.column ?? "agg",
      scale: recording.scale,
      smoothing_ms: recording.smoothMs,
      offset_ms: recording.offsetMs ?? 0,
      baseline_ms: recording.baselineMs ?? null,
    };
  }
  const bin = (await pooledEventWaveforms(recording.subjects)).bins[recording.bin];
  return {
    beta_meg_subjects: recording.subjects,
    trough_bin_nam: [bin.lower_nam, bin.upper_nam],
    n_events: bin.n_events,
    detection: BETA_MEG.detect,
    trough_ms: recording.troughMs,
    scale: recording.scale,
    smoothing_ms: recording.smoothMs,
  };
}
