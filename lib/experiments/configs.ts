/**
 * The seed paper's experiments, shipped as experiment files in experiments/ (docs/experiments.md), each at two
 * sizes: `small` finishes on a 2-core laptop in minutes, `paper` matches the paper's simulation budget (for a GPU).
 */
import { fileURLToPath } from "node:url";
import { loadExperimentFile } from "./experiment_file.ts";
import { isEventRecording } from "./recordings.ts";
import type { ExperimentConfig } from "./types.ts";

export { type Budget, type ExperimentConfig, type Size, SIZES, SUMMARIES } from "./types.ts";

export const EXPERIMENT_NAMES = ["rc", "hnn-rc", "beta", "erp", "erp-meg", "erp-meg-cells", "erp-meg-prestim"] as const;
export type ExperimentName = typeof EXPERIMENT_NAMES[number];

/** The shipped experiment file of `name`. */
export function experimentFilePath(name: ExperimentName): string {
  return fileURLToPath(new URL(`../../experiments/${name}.json`, import.meta.url));
}

export const EXPERIMENTS: Record<ExperimentName, ExperimentConfig> = Object.fromEntries(
  EXPERIMENT_NAMES.map((name) => [name, loadExperimentFile(experimentFilePath(name))]),
) as Record<ExperimentName, ExperimentConfig>;

/**
 * The subject whose own beta events the beta experiment conditions on (experiments/beta.json), against the other
 * subjects pooled: the seed paper's Figure 7 does not name its subject in its text or code at hand, so the file takes
 * subject 1 (the subject of the ERP recordings' file names). Undefined if the file conditions on no one subject.
 */
export const BETA_PAPER_SUBJECT: number | undefined = EXPERIMENTS.beta.recordings?.filter(isEventRecording)
  .find((r) => r.subjects.length === 1)?.subjects[0];
