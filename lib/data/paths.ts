/**
 * Where the reference data live (hnn-core fixtures, MEG recordings, sbibm posteriors; data/README.md): the folder
 * named by the environment variable NEUROSBI_DATA when it is set, else the repository's own `data/`. Every reader of
 * those files asks here, so a copy of the data elsewhere is one variable away.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DATA_ENV = "NEUROSBI_DATA";

const REPO_DATA = fileURLToPath(new URL("../../data/", import.meta.url));

/** The data folder: $NEUROSBI_DATA (relative to the working directory) if set and readable, else the repo's data/. */
export function dataRoot(): string {
  // Queried first so that a process without env permission neither throws nor prompts.
  const granted = Deno.permissions.querySync({ name: "env", variable: DATA_ENV }).state === "granted";
  const fromEnv = granted ? Deno.env.get(DATA_ENV) : undefined;
  return fromEnv ? resolve(fromEnv) : REPO_DATA;
}

/** A path inside the data folder, e.g. `dataPath("sbibm", "two_moons")`. */
export function dataPath(...segments: string[]): string {
  return resolve(dataRoot(), ...segments);
}
