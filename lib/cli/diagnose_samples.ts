/** `diagnose c2st|overlap`: compare two posteriors given as sample CSVs (as `sample` and `sbibm` write them). */
import { assertWritableFile, writeFileAtomic } from "../data/atomic.ts";
import { c2st } from "../diagnostics/c2st.ts";
import { overlapCoefficient } from "../diagnostics/overlap.ts";
import { type NumericTable, parseNumericCsv } from "../posterior/csv.ts";
import { readInputFile } from "./read_input.ts";

export interface CompareSamplesArgs {
  a: string;
  b: string;
  out: string;
  seed?: number;
}

async function readSamples(path: string): Promise<NumericTable> {
  const text = await readInputFile(path);
  return parseNumericCsv(text, path);
}

/** Both files, checked to hold the same parameters. */
async function readPair(args: CompareSamplesArgs): Promise<[NumericTable, NumericTable]> {
  const [a, b] = await Promise.all([readSamples(args.a), readSamples(args.b)]);
  if (a.cols !== b.cols) throw new Error(`${args.a} has ${a.cols} columns, ${args.b} has ${b.cols}`);
  if (a.header && b.header && a.header.join() !== b.header.join()) {
    throw new Error(`${args.a} and ${args.b} name different parameters (${a.header} vs ${b.header})`);
  }
  if (a.rows < 2 || b.rows < 2) throw new Error("each file needs at least two samples");
  await assertWritableFile(args.out);
  return [a, b];
}

function names(table: NumericTable): string[] {
  return table.header ?? Array.from({ length: table.cols }, (_, j) => `parameter_${j + 1}`);
}

export async function c2stCommand(args: CompareSamplesArgs): Promise<void> {
  const [a, b] = await readPair(args);
  const accuracy = await c2st(a.data, b.data, a.cols, { seed: args.seed ?? 1 });
  const result = { a: args.a, b: args.b, parameters: names(a), rows: [a.rows, b.rows], c2st: accuracy };
  await writeFileAtomic(args.out, JSON.stringify(result, null, 2) + "\n");
  console.log(`C2ST ${accuracy.toFixed(4)} (0.5: indistinguishable, 1: disjoint) → ${args.out}`);
}

export async function overlapCommand(args: CompareSamplesArgs): Promise<void> {
  const [a, b] = await readPair(args);
  const column = (t: NumericTable, j: number) => Array.from({ length: t.rows }, (_, r) => t.data[r * t.cols + j]);
  const pairs = names(a).map((parameter, j) => ({
    parameter,
    ovl: overlapCoefficient(column(a, j), column(b, j)),
  }));
  await writeFileAtomic(args.out, JSON.stringify({ a: args.a, b: args.b, pairs }, null, 2) + "\n");
  for (const p of pairs) console.log(`${p.parameter}: OVL ${p.ovl.toPrecision(3)}`);
}
