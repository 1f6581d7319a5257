/**
 * A fit of a researcher's own experiment file (`fit --model FILE.json`) keeps a copy of it, self-contained (its
 * network inlined, its paths absolute), as `model.json` in the fit's folder: resuming, exporting and the report
 * read that copy, so a file edited or moved later neither changes nor breaks the fit. A shipped model is read by name.
 */
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic.ts";
import { loadExperimentFile } from "../experiments/experiment_file.ts";
import { isExperimentFile, modelExperiment } from "../experiments/models.ts";
import type { ExperimentConfig } from "../experiments/types.ts";

export const EXPERIMENT_COPY = "model.json";

/** The copy's contents: the experiment's document as JSON writes it. */
const copyOf = (config: ExperimentConfig): unknown => JSON.parse(JSON.stringify(config.document));

/** The copy a fit in `dir` keeps, parsed; undefined when it keeps none. */
async function readCopy(dir: string): Promise<unknown> {
  const path = join(dir, EXPERIMENT_COPY);
  return await Deno.readTextFile(path).then((text) => JSON.parse(text), (error) => {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`${path} is unreadable: ${(error as Error).message}`);
  });
}

/** A resumed fit's experiment file must be the one it began with: else one clear error, before any work. */
export async function assertExperimentUnchanged(dir: string, config: ExperimentConfig): Promise<void> {
  const kept = await readCopy(dir);
  if (kept !== undefined && !isDeepStrictEqual(kept, copyOf(config))) {
    throw new Error(
      `${config.source} differs from the experiment the fit in ${dir} began with (${join(dir, EXPERIMENT_COPY)}): ` +
        `give another --out, or restore the file to resume`,
    );
  }
}

/** Writes `config`'s copy into the fit folder `dir`, unless it holds one (checked by assertExperimentUnchanged). */
export async function keepExperimentCopy(dir: string, config: ExperimentConfig): Promise<void> {
  if (await readCopy(dir) !== undefined) return;
  await Deno.mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, EXPERIMENT_COPY), JSON.stringify(copyOf(config), null, 2) + "\n");
}

/** Writes the copy a fit in `fitDir` keeps into `out` too (an export), if it keeps one. */
export async function copyExperimentOf(fitDir: string, model: string, out: string): Promise<void> {
  if (isExperimentFile(model)) await Deno.copyFile(join(fitDir, EXPERIMENT_COPY), join(out, EXPERIMENT_COPY));
}

/** The experiment a fit in `dir` ran: its kept copy for a researcher's file (`model` a path), else the shipped one. */
export function fitExperiment(dir: string, model: string): ExperimentConfig {
  return isExperimentFile(model) ? loadExperimentFile(join(dir, EXPERIMENT_COPY)) : modelExperiment(model);
}
