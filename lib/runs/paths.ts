/**
 * The files of a run folder by their path inside it (docs/runs.md): one name per file, so that the experiment that
 * writes a run and every reader of it agree.
 */
import { join } from "node:path";
import { MANIFEST } from "../data/dataset.ts";

/** The run's record: settings, status and results. */
export const EXPERIMENT_FILE = "experiment.json";
/** The run folder's self-contained copy of its experiment file. */
export const CONFIG_FILE = "config.json";
/** Who is writing the run, with a heartbeat; present only while it runs. */
export const LOCK_FILE = "run.lock";
/** One JSON line per step while the experiment runs. */
export const PROGRESS_FILE = "progress.jsonl";
/** The simulated training set (lib/data/dataset.ts owns its files). */
export const DATASET_DIR = "dataset";
export const DATASET_MANIFEST_FILE = `${DATASET_DIR}/${MANIFEST}`;
/** The fitted summary statistic. */
export const SUMMARY_FILE = "summary.json";
/** Training's checkpoint while it trains (removed once training.json is written). */
export const CHECKPOINT_FILE = "checkpoint.bin";
/** The loss curves; written last by training, so its presence says training finished. */
export const TRAINING_FILE = "training.json";
/** The trained posterior (lib/posterior/io.ts owns its files; the report reads its manifest). */
export const POSTERIOR_DIR = "posterior";
export const POSTERIOR_FILE = `${POSTERIOR_DIR}/posterior.json`;
export const OBSERVATIONS_DIR = "observations";
export const DIAGNOSTICS_DIR = "diagnostics";
/** SBC and coverage's pairs checked so far, while they run: a stopped run resumes after them. */
export const SBC_PROGRESS_FILE = `${DIAGNOSTICS_DIR}/sbc.partial.json`;
/** The recovery grid's points checked so far, while the grid runs: a stopped run resumes after them. */
export const RECOVERY_PROGRESS_FILE = `${DIAGNOSTICS_DIR}/recovery.partial.json`;
/** In a run made by `unpack`, and beside a pack's parts: what the pack holds and what it left behind (lib/pack). */
export const PACK_FILE = "pack.json";

/** The checks of diagnostics/, each in `diagnostics/<name>.json`. */
export const DIAGNOSTICS = ["sbc", "coverage", "recovery", "overlap"] as const;
export type DiagnosticName = typeof DIAGNOSTICS[number];

/** Run names and observation ids: letters, digits, `.`, `_` and `-`, not starting with a dot. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `observations/<id>.json`. */
export function observationFile(id: string): string {
  return `${OBSERVATIONS_DIR}/${id}.json`;
}

/** `diagnostics/<name>.json`. */
export function diagnosticsFile(name: DiagnosticName): string {
  return `${DIAGNOSTICS_DIR}/${name}.json`;
}

/** The dataset's raw arrays, final or sharded: most of a paper-size run's bytes, and not needed by the report. */
export function isDatasetArray(path: string): boolean {
  return /^dataset\/(theta\.npy|x\.npy|shards\/.*)$/.test(path);
}

/**
 * A run's results as committed under docs/results/NAME/ (docs/RESULTS.md): the record, the training log, the
 * dataset's manifest, every diagnostic (not the progress of SBC or the grid) and every conditioned observation; paths relative
 * to the run folder.
 */
export function isResultFile(path: string): boolean {
  return path === EXPERIMENT_FILE || path === TRAINING_FILE || path === DATASET_MANIFEST_FILE ||
    /^diagnostics\/[^/.]+\.json$/.test(path) || /^observations\/[^/]+\.json$/.test(path);
}

/** The path of `file` (one of the names above) in the run folder `dir`. */
export function runPath(dir: string, file: string): string {
  return join(dir, ...file.split("/"));
}
