/**
 * Recorded waveforms given as text (an upload, a MEG file, an hnn-core dipole file), resampled by linear
 * interpolation onto a model's time base. Two layouts, separated by commas, tabs or spaces, with an optional header
 * row: two columns, time (ms) and value; or hnn-core's `Dipole.write` text, four columns, time (ms), agg, L2, L5.
 */
import { parseCsvRecords } from "./csv.ts";

export interface Waveform {
  times: Float64Array;
  values: Float64Array;
}

/** The dipole columns of hnn-core's text files, in their order after the time column. */
export const DIPOLE_COLUMNS = ["agg", "L2", "L5"] as const;
export type DipoleColumn = typeof DIPOLE_COLUMNS[number];

const LAYOUTS = "2 columns (time ms, value) or 4 (time ms, agg, L2, L5 as hnn-core's Dipole.write)";

/**
 * The waveform of `column` in `text`: a two-column file's value column is `agg` (a recording, or an hnn-core file
 * of the aggregate dipole only); L2 and L5 need the four-column layout.
 */
export function parseWaveform(text: string, label = "waveform", column: DipoleColumn = "agg"): Waveform {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (lines.length === 0) throw new Error(`${label} is empty`);
  const csv = lines.map((l) => l.replace(/[\t ]+/g, ",").replace(/,+/g, ",")).join("\n");
  // Ragged rows pass through so that the check below names the row and both widths.
  let rows = parseCsvRecords(csv, label, { raggedRows: true });
  if (rows.length > 0 && rows[0].some((cell) => cell !== "" && Number.isNaN(Number(cell)))) rows = rows.slice(1);
  if (rows.length < 2) throw new Error(`${label} needs at least two rows of time (ms) and value`);
  const width = rows[0].length;
  if (width !== 2 && width !== 4) throw new Error(`${label} row 1: expected ${LAYOUTS}, found ${width}`);
  const index = 1 + DIPOLE_COLUMNS.indexOf(column);
  if (index >= width) {
    throw new Error(`${label} has one value column (time ms, value): column ${column} needs 4 (time ms, agg, L2, L5)`);
  }
  const times = new Float64Array(rows.length), values = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new Error(`${label} row ${i + 1}: expected ${width} columns like row 1, found ${row.length}`);
    }
    const numbers = row.map((cell) => (cell === "" ? NaN : Number(cell)));
    if (!numbers.every(Number.isFinite)) {
      throw new Error(
        `${label} row ${i + 1}: "${row.join(",")}" is not ${width === 2 ? "two" : "four"} finite numbers`,
      );
    }
    const t = numbers[0];
    if (i > 0 && t <= times[i - 1]) {
      throw new Error(`${label} row ${i + 1}: times must increase (${t} after ${times[i - 1]})`);
    }
    times[i] = t;
    values[i] = numbers[index];
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
    const ms = (t: number) => +t.toFixed(3);
    throw new Error(
      `${label} covers ${ms(first)}–${ms(last)} ms; the model's time base needs ${ms(target[0])}–` +
        `${ms(target[target.length - 1])} ms`,
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
