/** What a cluster task simulates, stored with the job so every task rebuilds the same simulator. */
import { loadExperimentFile } from "../experiments/experiment_file.ts";
import { experimentModel } from "../experiments/run.ts";
import type { Simulator } from "../models/model.ts";
import { getModel } from "../experiments/models.ts";

export type DatasetRecipe =
  /** A model of the registry, as `simulate --model` runs it. */
  | { kind: "model"; model: string }
  /** An experiment's generative model, as `experiment` simulates its training set (`config`: its file, absolute). */
  | { kind: "experiment"; config: string; noise: boolean; dt_ms?: number };

export function recipeSimulator(recipe: DatasetRecipe): Simulator {
  if (recipe.kind === "model") return getModel(recipe.model);
  const config = loadExperimentFile(recipe.config);
  return experimentModel(config, { noise: recipe.noise, dtMs: recipe.dt_ms }).model;
}
