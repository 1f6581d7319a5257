/** The shared sbibm files: observations 1–10 and 10,000 reference posterior samples each (gzip CSV). */
import { join } from "node:path";
import { parseNumericCsv } from "../posterior/csv.ts";

export const SBIBM_DATA = "/work/shared/data/sbibm";

export function observationDir(task: string, observation: number, root = SBIBM_DATA): string {
  if (!Number.isInteger(observation) || observation < 1 || observation > 10) {
    throw new Error(`observation must be 1 to 10, got ${observation}`);
  }
  return join(root, task, `num_observation_${observation}`);
}

export async function loadObservation(task: string, observation: number, root = SBIBM_DATA): Promise<Float32Array> {
  const path = join(observationDir(task, observation, root), "observation.csv");
  return parseNumericCsv(await Deno.readTextFile(path), path).data;
}

export async function loadReferenceSamples(
  task: string,
  observation: number,
  root = SBIBM_DATA,
): Promise<Float32Array> {
  const path = join(observationDir(task, observation, root), "reference_posterior_samples.csv.gz");
  const stream = (await Deno.open(path)).readable.pipeThrough(new DecompressionStream("gzip"));
  const text = await new Response(stream).text();
  return parseNumericCsv(text, path).data;
}
