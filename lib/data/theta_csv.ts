/** Parameter sets given by hand: a CSV whose header names the prior's parameters, one row per set. */
import type { Prior } from "../prior/prior.ts";
import { parseCsvRecords } from "./csv.ts";

/** Parse and validate θ rows against `prior`; returns them row-major as float32. */
export function parseThetaCsv(text: string, prior: Prior, label = "CSV"): Float32Array {
  const records = parseCsvRecords(text, label);
  if (records.length === 0) throw new Error(`${label} is empty: expected a header ${prior.names.join(",")} and rows`);
  const [header, ...rows] = records;
  if (header.join(",") !== prior.names.join(",")) {
    throw new Error(`${label}: header must be "${prior.names.join(",")}", found "${header.join(",")}"`);
  }
  if (rows.length === 0) throw new Error(`${label} has a header but no parameter rows`);
  const values = new Float64Array(rows.length * prior.dim);
  rows.forEach((row, i) =>
    row.forEach((cell, j) => {
      const v = cell === "" ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        throw new Error(`${label} row ${i + 1}: ${prior.names[j]} = "${cell}" is not a finite number`);
      }
      values[i * prior.dim + j] = v;
    })
  );
  prior.assertInSupport(values, (i) => `${label} row ${i + 1}`, 0);
  return new Float32Array(values);
}
