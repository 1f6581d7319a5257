/**
 * The options that say how a recording file is read and prepared (lib/experiments/recordings.ts), for the commands
 * that take one; apart from those commands so that `--help` shows them without loading tfjs.
 */
import { InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { DIPOLE_COLUMNS } from "../data/waveform.ts";
import { finiteNumber, nonNegativeNumber, nonZeroNumber } from "./arguments.ts";

/** `FROM,TO` in ms, FROM < TO. */
export function timeWindow(value: string): [number, number] {
  const parts = value.split(",").map((v) => (v.trim() === "" ? NaN : Number(v)));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || parts[0] >= parts[1]) {
    throw new InvalidArgumentError("must be two times in ms, FROM,TO with FROM < TO (e.g. -50,0)");
  }
  return [parts[0], parts[1]];
}

export const columnOption = () =>
  new Option("--column <name>", "column of an hnn-core dipole file (time, agg, L2, L5); a two-column file is agg")
    .choices(DIPOLE_COLUMNS).default("agg" as const);
export const scaleOption = () =>
  new Option(
    "--scale <F>",
    "recording units per unit of x, x = recording ÷ F (default: the experiment's; erp: 3000, HNN's dipole scale; " +
      "negative flips the sign)",
  ).argParser(nonZeroNumber);
export const smoothOption = () =>
  new Option(
    "--smooth-ms <W>",
    "Hamming window (ms) the resampled recording is smoothed with, as hnn-core smooths dipoles (default: the " +
      "experiment's smoothing of x; erp: 20); 0 for none",
  ).argParser(nonNegativeNumber);
export const offsetOption = () =>
  new Option("--offset-ms <D>", "added to the file's times (ms): -100 when the stimulus is at 100 ms in the file")
    .argParser(finiteNumber);
export const baselineOption = () =>
  new Option(
    "--baseline <from,to>",
    "subtract the recording's mean over this window (ms, after the offset; may lie before the model's window)",
  ).argParser(timeWindow);
