/**
 * The simulators the CLI knows: the shipped experiments' by name (experiments/NAME.json), so that
 * `simulate --model erp` draws from the very model `experiment --name erp` trains on, and a researcher's own
 * experiment file by its path (docs/experiments.md), so that `simulate`, `tune` and `fit` take their model too.
 */
import { resolve } from "node:path";
import { EXPERIMENT_NAMES, type ExperimentName, EXPERIMENTS } from "./configs.ts";
import { loadExperimentFile } from "./experiment_file.ts";
import type { ExperimentConfig } from "./types.ts";
import type { Simulator } from "../models/model.ts";

/** Earlier names of models, still accepted. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = { "hnn-erp": "erp", "hnn-beta": "beta" };

/** The current name of a model named `name`, old or current. */
export function canonicalModelName(name: string): string {
  return MODEL_ALIASES[name] ?? name;
}

export function modelNames(): string[] {
  return [...EXPERIMENT_NAMES];
}

/** What --model takes, for the CLI's help. */
export const MODEL_CHOICES = `${EXPERIMENT_NAMES.join(", ")}, or an experiment file (FILE.json, docs/experiments.md)`;

/** Whether a --model value is the path of an experiment file rather than a shipped model's name. */
export const isExperimentFile = (model: string): boolean => model.endsWith(".json");

/**
 * A --model value as records keep it: a shipped model's current name, or an experiment file's absolute path (so
 * that a command resumed from another folder names the same file).
 */
export function modelKey(model: string): string {
  return isExperimentFile(model) ? resolve(model) : canonicalModelName(model);
}

/** The experiment behind a --model value: the shipped one of that name, or the experiment file at that path. */
export function modelExperiment(model: string): ExperimentConfig {
  if (isExperimentFile(model)) return loadExperimentFile(model);
  const key = canonicalModelName(model) as ExperimentName;
  const config = Object.hasOwn(EXPERIMENTS, key) ? EXPERIMENTS[key] : undefined;
  if (!config) throw new Error(`unknown model "${model}" (available: ${MODEL_CHOICES})`);
  return config;
}

/** The model of a --model value (a shipped name or an experiment file), at its integration step or at `dtMs`. */
export function getModel(model: string, dtMs?: number): Simulator {
  const config = modelExperiment(model);
  return config.simulator(dtMs ?? config.dtMs);
}
