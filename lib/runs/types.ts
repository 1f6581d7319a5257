/** The records of a run folder as their readers and writers use them (their schemas: records.ts; docs/runs.md). */
import type { Budget, ExperimentName } from "../experiments/configs.ts";
import type { WaveformAxis } from "../experiments/recordings.ts";
import type { RecoveryEstimates, TrainingLog } from "../plots/diagnostics.ts";
import type { PredictiveBands } from "../plots/posterior.ts";

/** The version of the records this program writes, and the newest it reads. */
export const RUN_RECORD_VERSION = 1;

/** The `version` every versioned record has once read or written. */
export interface Versioned {
  version: typeof RUN_RECORD_VERSION;
}

/** `experiment.json` as lib/experiments/run.ts writes it (only `model` and `status` are sure to be there). */
export interface ExperimentRecord extends Partial<Versioned> {
  model: string;
  /**
   * `interrupted`: experiment.json says running, but its process is gone (lib/runs/folder.ts, as a reader sees it);
   * `submitted`: its training set is simulating on a cluster, and a job after it runs the rest (docs/cluster.md).
   */
  status: "submitted" | "running" | "complete" | "failed" | "interrupted";
  /** The command line that runs it, and resumes it after an interruption or failure. */
  command?: string;
  name?: ExperimentName;
  size?: string;
  summary?: string;
  flow?: string;
  noise?: number;
  theta_jitter?: number;
  seed?: number;
  budget?: Budget;
  dt_ms?: number;
  max_epochs?: number | null;
  /** The cluster engine that simulates a `submitted` run's training set. */
  cluster?: string;
  started?: string;
  submitted?: string;
  resumed?: string;
  finished?: string;
  error?: string;
  results?: {
    training_epochs: number;
    sbc_rejected: number;
    sbc_pvalues: number[];
    coverage_max_deviation: number;
    median_recovery_error: number[];
    median_predictive_rmse: number;
    overlap: { parameter: string; ovl: number }[];
    observations?: { id: string; correlation: number[][]; recovery: number[] }[];
    recordings?: { id: string; correlation: number[][]; predictive_rmse: number }[];
    recordings_overlap?: { parameter: string; ovl: number }[];
    recording_pairs?: { a: string; b: string; ovl: { parameter: string; ovl: number }[] }[];
  };
}

/** `run.lock`: the process that writes the run, refreshed every heartbeat (lib/runs/lock.ts). */
export interface RunLockRecord extends Partial<Versioned> {
  pid: number;
  /** Absent where the process could not read its host name (then only the heartbeat tells). */
  host?: string;
  started: string;
  heartbeat: string;
}

/** One line of `progress.jsonl` (lib/runs/progress.ts writes them; the report streams them). */
export interface ProgressLine extends Partial<Versioned> {
  time: string;
  stage: string;
  done?: number;
  total?: number;
  message?: string;
}

/** `training.json`: the loss per epoch; written last by training. */
export interface TrainingRecord extends TrainingLog, Partial<Versioned> {
  best_epoch?: number;
  seconds?: number;
  dropped_nonfinite_rows?: number;
}

/**
 * `diagnostics/recovery.json`: the grid of ground truths (unit cube and the prior's units), the recovery error and
 * predictive RMSE at each, their medians, and the posterior's estimates (absent in records written before the report
 * drew the recovery scatter).
 */
export interface RecoveryRecord extends Partial<RecoveryEstimates>, Partial<Versioned> {
  parameters: string[];
  grid_unit: number[][];
  recovery_error: number[][];
  predictive_rmse: number[];
  median_error: number[];
  median_rmse: number;
}

/** One ground truth of the recovery grid checked: recovery error, the posterior's quantiles, the predictive RMSE. */
export interface RecoveryPoint {
  error: number[];
  q025: number[];
  median: number[];
  q975: number[];
  rmse: number;
}

/**
 * The settings a check's progress was made with (its part of the budget, and the run's seed): progress made with
 * others is not reused. Absent in the grid's progress records written before it was kept.
 */
export type CheckSettings = Record<string, number>;

/** `diagnostics/recovery.partial.json`: the grid's points so far, in order; removed once recovery.json is written. */
export interface RecoveryProgressRecord extends Partial<Versioned> {
  settings?: CheckSettings;
  points: RecoveryPoint[];
}

/** One SBC pair checked: the rank of θ* among its posterior samples per parameter, and the HPD level of θ*. */
export interface SbcPair {
  ranks: number[];
  level: number;
}

/** `diagnostics/sbc.partial.json`: SBC and coverage's pairs so far, in order; removed once sbc.json is written. */
export interface SbcProgressRecord extends Partial<Versioned> {
  settings: CheckSettings;
  pairs: SbcPair[];
}

/** `diagnostics/overlap.json`: OVL per parameter of the simulated pair and of each pair of recordings. */
export interface OverlapRecord extends Partial<Versioned> {
  pairs: { parameter: string; ovl: number }[];
  recordings?: { parameter: string; ovl: number }[];
  recording_pairs?: { a: string; b: string; ovl: { parameter: string; ovl: number }[] }[];
}

/** `observations/<id>.json`: one conditioned observation (also what `condition` writes). */
export interface ObservationRecord extends Partial<Versioned> {
  id?: string;
  label: string;
  times_ms: number[];
  x: number[];
  /** Posterior samples in the prior's units, rows of the prior's dimension. */
  samples: number[][];
  acceptance_rate?: number;
  correlation?: number[][];
  predictive_rmse?: number;
  theta_true?: number[];
  recovery_error?: number[];
  predictive?: PredictiveBands & { smoothing_ms?: number };
  /** Older records: the y label only. */
  units?: string;
  waveform_axis?: WaveformAxis;
  /** What a recorded observation was made from: a waveform file, or MEG beta events (lib/experiments/recordings.ts). */
  recording?: {
    path?: string;
    column?: string;
    scale?: number;
    smoothing_ms?: number;
    offset_ms?: number;
    baseline_ms?: [number, number] | null;
    beta_meg_subjects?: number[];
    trough_bin_nam?: [number, number];
    n_events?: number;
    detection?: Record<string, unknown>;
    trough_ms?: number;
  };
}

/** The format a pack's `pack.json` declares (lib/pack). */
export const PACK_FORMAT = "neurosbi-run-pack/1";

/** `pack.json`: a packed run (beside its parts), and the run unpacked from it. */
export interface PackManifest {
  format: typeof PACK_FORMAT;
  /** The run folder's name: the archive's top folder, and the folder unpack makes. */
  run: string;
  created: string;
  /** The parts, in order: their concatenation is one gzip-compressed tar. */
  parts: { file: string; bytes: number; sha256: string }[];
  files: number;
  /** Bytes of the packed files before compression. */
  bytes: number;
  /** Files of the run not in the archive, with why. */
  left_behind: { path: string; bytes: number }[];
  left_behind_reason?: string;
}
