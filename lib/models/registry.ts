/** The simulators the CLI knows by name. */
import type { Simulator } from "./model.ts";
import { hnnBetaModel, hnnErpModel, hnnRcModel } from "../hnn/models.ts";
import { rcModel } from "./rc.ts";

const MODELS: ReadonlyMap<string, Simulator> = new Map(
  [rcModel, hnnRcModel, hnnErpModel, hnnBetaModel].map((model) => [model.name, model]),
);

export function modelNames(): string[] {
  return [...MODELS.keys()];
}

export function getModel(name: string): Simulator {
  const model = MODELS.get(name);
  if (!model) throw new Error(`unknown model "${name}" (available: ${modelNames().join(", ")})`);
  return model;
}
