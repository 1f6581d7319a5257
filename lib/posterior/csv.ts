/**
 * Numeric CSV in and out: observations (one row of x) and posterior samples. A header row is optional on input
 * (recognised when its first cell is not a number); every other cell must be a finite number.
 */
import { parseCsvRecords } from "../data/csv.ts";

export interface NumericTable {
  header?: string[];
  rows: number;
  cols: number;
  data: Float32Array;
}

export function parseNumericCsv(text: string, label: string): NumericTable {
  const records = parseCsvRecords(text, label);
  const header = records.length > 0 && !isNumber(records[0][0]) ? records.shift() : undefined;
  if (records.length === 0) throw new Error(`${label}: no data rows`);
  const cols = records[0].length;
  const data = new Float32Array(records.length * cols);
  records.forEach((record, r) => {
    const line = r + (header ? 2 : 1);
    if (record.length !== cols) throw new Error(`${label}, line ${line}: ${record.length} values, expected ${cols}`);
    record.forEach((cell, c) => {
      const value = Number(cell);
      if (cell === "" || !Number.isFinite(value)) {
        throw new Error(`${label}, line ${line}: column ${c + 1} is ${JSON.stringify(cell)}, not a finite number`);
      }
      data[r * cols + c] = value;
    });
  });
  if (header && header.length !== cols) {
    throw new Error(`${label}: the header has ${header.length} names for ${cols} columns`);
  }
  return { header, rows: records.length, cols, data };
}

/** Samples as CSV with a header row; float32 values printed with 8 significant digits. */
export function formatSamplesCsv(names: readonly string[], data: Float32Array): string {
  const d = names.length;
  const lines = [names.join(",")];
  for (let r = 0; r < data.length / d; r++) {
    lines.push(Array.from(data.subarray(r * d, (r + 1) * d), (v) => v.toPrecision(8)).join(","));
  }
  return lines.join("\n") + "\n";
}

function isNumber(cell: string): boolean {
  return cell.trim() !== "" && Number.isFinite(Number(cell));
}
