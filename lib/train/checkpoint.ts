/** Training checkpoints: one atomically written file holding the loop's state, current and best weights and Adam's moments. */
import { writeFileAtomic } from "../data/atomic.ts";
import type { NamedArray } from "../flows/parameters.ts";
import { decodeTensorFile, encodeTensorFile } from "./tensor_file.ts";
import type { EpochReport } from "./trainer.ts";

export interface LoopState {
  epoch: number;
  bestEpoch: number;
  bestValidationLoss: number;
  sinceImprovement: number;
  history: EpochReport[];
}

export interface Checkpoint {
  state: LoopState;
  current: NamedArray[];
  best: NamedArray[];
  optimizer: NamedArray[];
}

interface Meta {
  fingerprint: string;
  state: LoopState;
}

export async function writeCheckpoint(
  path: string,
  fingerprint: string,
  state: LoopState,
  arrays: Omit<Checkpoint, "state">,
): Promise<void> {
  // JSON has no Infinity: a run with no finite validation loss yet stores null.
  const meta: Meta = { fingerprint, state };
  await writeFileAtomic(path, encodeTensorFile(meta, { ...arrays }));
}

/**
 * The checkpoint at `path` if there is one; throws when it is corrupt or belongs to another run (other data,
 * flow or options), so a resume never silently mixes runs.
 */
export async function readCheckpoint(path: string, fingerprint: string): Promise<Checkpoint | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const { meta, groups } = decodeTensorFile<Meta>(bytes, `checkpoint ${path}`);
  if (meta.fingerprint !== fingerprint) {
    throw new Error(`checkpoint ${path} belongs to another run (other data, flow or options); delete it to start over`);
  }
  meta.state.bestValidationLoss ??= Infinity;
  return {
    state: meta.state,
    current: groups.current ?? [],
    best: groups.best ?? [],
    optimizer: groups.optimizer ?? [],
  };
}

export async function clearCheckpoint(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}
