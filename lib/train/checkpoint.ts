/**
 * Training checkpoints: one atomically written file holding everything the epoch loop carries from one epoch to the
 * next — its counters and loss history, the current and best weights, and Adam's step and moments — so a run
 * resumed from it, in this process or another, ends bit for bit where an uninterrupted run would.
 */
import { writeFileAtomic } from "../data/atomic.ts";
import type { NamedArray } from "../flows/parameters.ts";
import type { AdamState } from "./adam.ts";
import { decodeTensorFile, encodeTensorFile } from "./tensor_file.ts";

/** Checkpoints of another layout (an older optimizer's state) are refused rather than misread. */
export const CHECKPOINT_FORMAT = "neurosbi-checkpoint/2";

/** One finished epoch, as the loop reports it and the checkpoint keeps it. */
export interface EpochReport {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  improved: boolean;
  seconds: number;
}

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
  /** Empty while no epoch has lowered the validation loss. */
  best: NamedArray[];
  adam: AdamState;
}

interface Meta {
  format: typeof CHECKPOINT_FORMAT;
  fingerprint: string;
  /** The loop state with every loss as text: JSON has no NaN or Infinity, and a loss may be either. */
  state: string;
  adamStep: number;
}

export async function writeCheckpoint(path: string, fingerprint: string, checkpoint: Checkpoint): Promise<void> {
  const { state, current, best, adam } = checkpoint;
  const meta: Meta = {
    format: CHECKPOINT_FORMAT,
    fingerprint,
    state: JSON.stringify(state, (_, v) => typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
    adamStep: adam.step,
  };
  await writeFileAtomic(
    path,
    encodeTensorFile(meta, { current, best, first_moments: adam.firstMoments, second_moments: adam.secondMoments }),
  );
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
  if (meta?.format !== CHECKPOINT_FORMAT) {
    throw new Error(`checkpoint ${path} was written by another version of neurosbi; delete it to start over`);
  }
  if (meta.fingerprint !== fingerprint) {
    throw new Error(`checkpoint ${path} belongs to another run (other data, flow or options); delete it to start over`);
  }
  let state: LoopState;
  try {
    state = JSON.parse(meta.state, (_, v) => v === "NaN" || v === "Infinity" || v === "-Infinity" ? Number(v) : v);
  } catch {
    throw new Error(`checkpoint ${path} is corrupt (unreadable loop state); delete it and train again`);
  }
  return {
    state,
    current: groups.current ?? [],
    best: groups.best ?? [],
    adam: {
      step: meta.adamStep,
      firstMoments: groups.first_moments ?? [],
      secondMoments: groups.second_moments ?? [],
    },
  };
}

export async function clearCheckpoint(path: string): Promise<void> {
  await Deno.remove(path).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}
