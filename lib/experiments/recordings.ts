/**
 * Recorded waveforms (the MEG ERPs in data/meg) as observations of a simulator: resampled onto its time
 * base, brought to its units and smoothed as it smooths x, so that the posterior sees data processed like its
 * training waveforms.
 */
import { parseWaveform, resampleWaveform, type Waveform } from "../data/waveform.ts";
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

/** The recording's file as an x of `model`; throws naming the file when it is missing or malformed. */
export async function loadRecording(recording: Recording, model: Simulator): Promise<Float32Array> {
  const label = `${recording.label} (${recording.path})`;
  let text: string;
  try {
    text = await Deno.readTextFile(recording.path);
  } catch (error) {
    throw new Error(`${label}: cannot read it: ${(error as Error).message}`);
  }
  return recordingAsObservation(parseWaveform(text, label), model, recording, label);
}
