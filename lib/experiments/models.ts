/**
 * The simulators the CLI knows by name: the shipped experiments' (experiments/NAME.json), so that
 * `simulate --model erp` draws from the very model `experiment --name erp` trains on.
 */
import { EXPERIMENT_NAMES, type ExperimentName, EXPERIMENTS } from "./configs.ts";
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

/** The model of the shipped experiment `name`, at its integration step or at `dtMs`. */
export function getModel(name: string, dtMs?: number): Simulator {
  const key = canonicalModelName(name) as ExperimentName;
  const config = Object.hasOwn(EXPERIMENTS, key) ? EXPERIMENTS[key] : undefined;
  if (!config) throw new Error(`unknown model "${name}" (available: ${modelNames().join(", ")})`);
  return config.simulator(dtMs ?? config.dtMs);
}
