/**
 * Recorded waveforms as observations of a simulator: waveform files (the MEG ERPs in data/meg) resampled onto its
 * time base, brought to its units and smoothed as it smooths x, so that the posterior sees data processed like its
 * training waveforms; and the averaged beta events of the MEG in data/meg/beta, found at run time (lib/events).
 */
import { parseWaveform, resampleWaveform, type Waveform } from "../data/waveform.ts";
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

export interface Recording extends RecordingUnits {
  id: string;
  label: string;
  /** Text file of two columns, time (ms) and value (lib/data/waveform.ts). */
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

/** `w` as an x of `model`: on its time base, in its units, smoothed like its x. */
export function recordingAsObservation(
  w: Waveform,
  model: Simulator,
  units: RecordingUnits,
  label = "recording",
): Float32Array {
  const resampled = resampleWaveform(w, model.timesMs, label);
  if (units.smoothMs === 0) return resampled.map((v) => v / units.scale);
  return Float32Array.from(smoothWaveform(resampled, units.smoothMs, model.dtMs, 1 / units.scale));
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
  return recordingAsObservation(parseWaveform(text, label), model, recording, label);
}

/** What a conditioned recording was made from, for its observation record. */
export async function recordingSource(recording: AnyRecording): Promise<Record<string, unknown>> {
  if (!isEventRecording(recording)) {
    return { path: recording.path, scale: recording.scale, smoothing_ms: recording.smoothMs };
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
