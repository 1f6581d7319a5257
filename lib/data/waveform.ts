/**
 * Recorded waveforms given as text (an upload, a MEG file): two columns, time (ms) and value, separated by a
 * comma, tab or spaces, with an optional header row; resampled by linear interpolation onto a model's time base.
 */
import { parseCsvRecords } from "./csv.ts";

export interface Waveform {
  times: Float64Array;
  values: Float64Array;
}

export function parseWaveform(text: string, label = "waveform"): Waveform {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0) throw new Error(`${label} is empty`);
  let rows = parseCsvRecords(lines.map((l) => l.replace(/[\t ]+/g, ",").replace(/,+/g, ",")).join("\n"), label);
  if (rows.length > 0 && rows[0].some((cell) => cell !== "" && Number.isNaN(Number(cell)))) rows = rows.slice(1);
  if (rows.length < 2) throw new Error(`${label} needs at least two rows of time (ms) and value`);
  const times = new Float64Array(rows.length), values = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    if (row.length !== 2) {
      throw new Error(`${label} row ${i + 1}: expected 2 columns (time ms, value), found ${row.length}`);
    }
    const [t, v] = row.map((cell) => (cell === "" ? NaN : Number(cell)));
    if (!Number.isFinite(t) || !Number.isFinite(v)) {
      throw new Error(`${label} row ${i + 1}: "${row.join(",")}" is not two finite numbers`);
    }
    if (i > 0 && t <= times[i - 1]) {
      throw new Error(`${label} row ${i + 1}: times must increase (${t} after ${times[i - 1]})`);
    }
    times[i] = t;
    values[i] = v;
  });
  return { times, values };
}

/**
 * Linear interpolation onto `target` times, which must lie within the waveform's span; an end may fall short by up
 * to half the waveform's own sampling step (a recording ending at 169.8 ms serves a 170 ms model), held flat.
 */
export function resampleWaveform(w: Waveform, target: ArrayLike<number>, label = "waveform"): Float32Array {
  const n = w.times.length, first = w.times[0], last = w.times[n - 1];
  const startSlack = 0.5 * (w.times[1] - first), endSlack = 0.5 * (last - w.times[n - 2]);
  if (target[0] < first - startSlack || target[target.length - 1] > last + endSlack) {
    throw new Error(
      `${label} covers ${first}–${last} ms; the model's time base needs ${target[0]}–${target[target.length - 1]} ms`,
    );
  }
  const out = new Float32Array(target.length);
  let j = 0;
  for (let k = 0; k < target.length; k++) {
    const t = Math.min(Math.max(target[k], first), last);
    while (j < n - 2 && w.times[j + 1] < t) j++;
    const t0 = w.times[j], t1 = w.times[j + 1];
    out[k] = w.values[j] + ((t - t0) / (t1 - t0)) * (w.values[j + 1] - w.values[j]);
  }
  return out;
}
