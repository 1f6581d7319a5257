/**
 * The seed paper's experiments, shipped as experiment files in experiments/ (docs/experiments.md), each at two
 * sizes: `small` finishes on a 2-core laptop in minutes, `paper` matches the paper's simulation budget (for a GPU).
 */
import { fileURLToPath } from "node:url";
import { loadExperimentFile } from "./experiment_file.ts";
import type { ExperimentConfig } from "./types.ts";

export { type Budget, type ExperimentConfig, type Size, SIZES, SUMMARIES } from "./types.ts";

export const EXPERIMENT_NAMES = ["rc", "hnn-rc", "beta", "erp"] as const;
export type ExperimentName = typeof EXPERIMENT_NAMES[number];

/** The shipped experiment file of `name`. */
export function experimentFilePath(name: ExperimentName): string {
  return fileURLToPath(new URL(`../../experiments/${name}.json`, import.meta.url));
}

export const EXPERIMENTS: Record<ExperimentName, ExperimentConfig> = Object.fromEntries(
  EXPERIMENT_NAMES.map((name) => [name, loadExperimentFile(experimentFilePath(name))]),
) as Record<ExperimentName, ExperimentConfig>;
