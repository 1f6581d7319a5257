/**
 * The names of a run folder's files (docs/runs.md) that the step, pack and results commands act on, in one place:
 * what a pack leaves out, which files are the dataset's raw arrays, and which files make a run's committed results.
 */
import { LOCK_FILE } from "./run_lock.ts";

/** The live run's lock: meaningless on another machine, never packed. */
export const RUN_LOCK = LOCK_FILE;
export const EXPERIMENT_RECORD = "experiment.json";
export const TRAINING_RECORD = "training.json";
export const TRAINING_CHECKPOINT = "checkpoint.bin";
export const DATASET_DIR = "dataset";
export const DATASET_MANIFEST = "dataset/manifest.json";
export const DIAGNOSTICS_DIR = "diagnostics";
export const OBSERVATIONS_DIR = "observations";
/** The recovery grid's points checked so far, while the grid runs: a stopped run resumes after them. */
export const GRID_PROGRESS = "diagnostics/recovery.partial.json";

/** The dataset's raw arrays, final or sharded: most of a paper-size run's bytes, and not needed by the report. */
export function isDatasetArray(path: string): boolean {
  return /^dataset\/(theta\.npy|x\.npy|shards\/.*)$/.test(path);
}

/**
 * A run's results as committed under docs/results/NAME/ (docs/RESULTS.md): the record, the training log, the
 * dataset's manifest, every diagnostic and every conditioned observation; paths relative to the run folder.
 */
export function isResultFile(path: string): boolean {
  return path === EXPERIMENT_RECORD || path === TRAINING_RECORD || path === DATASET_MANIFEST ||
    /^diagnostics\/[^/.]+\.json$/.test(path) || /^observations\/[^/]+\.json$/.test(path);
}
