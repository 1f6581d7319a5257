/** The sbibm files (data/sbibm): observations 1–10 and 10,000 reference posterior samples each (gzip CSV). */
import { join } from "node:path";
import { readTextMaybeGzip } from "../data/gzip.ts";
import { dataPath } from "../data/paths.ts";
import { parseNumericCsv } from "../posterior/csv.ts";

/** The sbibm folder of the data folder (lib/data/paths.ts). */
export function sbibmDir(): string {
  return dataPath("sbibm");
}

export function observationDir(task: string, observation: number, root = sbibmDir()): string {
  if (!Number.isInteger(observation) || observation < 1 || observation > 10) {
    throw new Error(`observation must be 1 to 10, got ${observation}`);
  }
  return join(root, task, `num_observation_${observation}`);
}

export async function loadObservation(task: string, observation: number, root = sbibmDir()): Promise<Float32Array> {
  const path = join(observationDir(task, observation, root), "observation.csv");
  return parseNumericCsv(await Deno.readTextFile(path), path).data;
}

export async function loadReferenceSamples(
  task: string,
  observation: number,
  root = sbibmDir(),
): Promise<Float32Array> {
  const path = join(observationDir(task, observation, root), "reference_posterior_samples.csv.gz");
  return parseNumericCsv(await readTextMaybeGzip(path), path).data;
}
