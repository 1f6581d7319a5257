/** The cluster engines by the names the CLI takes. */
import type { ClusterEngine } from "./engine.ts";
import { slurm } from "./slurm.ts";

export const ENGINE_NAMES = ["slurm"] as const;
export type EngineName = typeof ENGINE_NAMES[number];

const ENGINES: Record<EngineName, ClusterEngine> = { slurm };

export function getEngine(name: string): ClusterEngine {
  const engine = ENGINES[name as EngineName];
  if (!engine) throw new Error(`unknown cluster engine "${name}" (available: ${ENGINE_NAMES.join(", ")})`);
  return engine;
}
