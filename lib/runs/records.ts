/**
 * The records of a run folder (docs/runs.md), each with its path inside the run and the schema a reader checks.
 * A file that is not JSON or lacks a field a reader uses makes the run bad with the reason, rather than breaking a
 * page. Fields are checked as far as readers use them, and objects keep fields this version does not know, so
 * newer writers stay readable. The records the run writes itself carry `version` (RUN_RECORD_VERSION); records
 * written before it was kept have none and read as version 1.
 */
import { z } from "zod";
import type { DatasetManifest } from "../data/dataset.ts";
import type { CoverageCurve } from "../diagnostics/coverage.ts";
import type { Budget, ExperimentName } from "../experiments/configs.ts";
import type { WaveformAxis } from "../experiments/recordings.ts";
import type { RecoveryEstimates, SbcRecord, TrainingLog } from "../plots/diagnostics.ts";
import type { PredictiveBands } from "../plots/posterior.ts";
import type { PosteriorManifest } from "../posterior/io.ts";
import type { FittedSummary } from "../stats/summary.ts";
import {
  CONFIG_FILE,
  DATASET_MANIFEST_FILE,
  diagnosticsFile,
  EXPERIMENT_FILE,
  LOCK_FILE,
  observationFile,
  POSTERIOR_FILE,
  SUMMARY_FILE,
  TRAINING_FILE,
} from "./paths.ts";

/** The version of the records this program writes, and the newest it reads. */
export const RUN_RECORD_VERSION = 1;

/** One file of a run folder: its path inside the run and the schema it must meet, typed as readers use it. */
export interface RunRecord<T> {
  file: string;
  schema: z.ZodType;
  /** Whether the record carries `version` (absent: version 1). */
  versioned: boolean;
  /** Written indented, for people to read (experiment.json, config.json); else on one line. */
  indented: boolean;
  /** Phantom: the type readers use (the schema checks the fields they rely on). */
  readonly type?: T;
}

const record = <T>(file: string, schema: z.ZodType, indented = false): RunRecord<T> => ({
  file,
  schema,
  versioned: false,
  indented,
});

/** A record the run writes itself: its schema gains `version`, which a record written before it was kept lacks. */
const versioned = <T>(file: string, shape: z.ZodRawShape, indented = false): RunRecord<T> => ({
  file,
  schema: z.looseObject({ version: z.literal(RUN_RECORD_VERSION).optional(), ...shape }),
  versioned: true,
  indented,
});

/** The `version` every versioned record has once read or written. */
export interface Versioned {
  version: typeof RUN_RECORD_VERSION;
}

const numbers = z.array(z.number());
const parameter = z.looseObject({
  name: z.string(),
  low: z.number(),
  high: z.number(),
  scale: z.enum(["linear", "log10"]),
  unit: z.string().optional(),
});
const bands = z.looseObject({
  times_ms: numbers,
  simulations: z.number().optional(),
  q025: numbers,
  q25: numbers,
  q50: numbers,
  q75: numbers,
  q975: numbers,
  smoothing_ms: z.number().optional(),
});
const ovl = z.looseObject({ parameter: z.string(), ovl: z.number() });

export const EXPERIMENT_STATUSES = ["submitted", "running", "complete", "failed"] as const;

/** `experiment.json` as lib/experiments/run.ts writes it (only `model` and `status` are sure to be there). */
export interface ExperimentRecord extends Partial<Versioned> {
  model: string;
  /**
   * `interrupted`: experiment.json says running, but its process is gone (lib/runs/folder.ts, as a reader sees it);
   * `submitted`: its training set is simulating on a cluster, and a job after it runs the rest (docs/cluster.md).
   */
  status: typeof EXPERIMENT_STATUSES[number] | "interrupted";
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

export const EXPERIMENT = versioned<ExperimentRecord>(EXPERIMENT_FILE, {
  model: z.string(),
  status: z.string(),
  command: z.string().optional(),
  name: z.string().optional(),
  noise: z.number().optional(),
  budget: z.looseObject({ predictiveSims: z.number().optional() }).optional(),
  results: z.looseObject({
    sbc_rejected: z.number(),
    sbc_pvalues: numbers,
    coverage_max_deviation: z.number(),
    median_recovery_error: numbers,
    median_predictive_rmse: z.number(),
    overlap: z.array(ovl),
  }).optional(),
}, true);

/** The run's own experiment file (lib/experiments/experiment_file.ts checks it); runs made before it was kept have none. */
export const RUN_CONFIG = record<Record<string, unknown> & { recording_units?: { scale: number; smooth_ms: number } }>(
  CONFIG_FILE,
  z.looseObject({
    recording_units: z.looseObject({ scale: z.number(), smooth_ms: z.number() }).optional(),
  }),
  true,
);

/** `run.lock`: the process that writes the run, refreshed every heartbeat (lib/runs/lock.ts). */
export interface RunLockRecord extends Partial<Versioned> {
  pid: number;
  /** Absent where the process could not read its host name (then only the heartbeat tells). */
  host?: string;
  started: string;
  heartbeat: string;
}

export const RUN_LOCK = versioned<RunLockRecord>(LOCK_FILE, {
  pid: z.int(),
  host: z.string().optional(),
  started: z.string(),
  heartbeat: z.string(),
});

/** One line of `progress.jsonl` (lib/runs/progress.ts writes them; the report streams them). */
export interface ProgressLine extends Partial<Versioned> {
  time: string;
  stage: string;
  done?: number;
  total?: number;
  message?: string;
}

export const PROGRESS_LINE = z.looseObject({
  version: z.literal(RUN_RECORD_VERSION).optional(),
  time: z.string(),
  stage: z.string(),
  done: z.number().optional(),
  total: z.number().optional(),
  message: z.string().optional(),
});

export const DATASET_MANIFEST = record<DatasetManifest>(
  DATASET_MANIFEST_FILE,
  z.looseObject({
    model: z.string(),
    prior: z.array(parameter).min(1),
    n: z.number(),
    dt_ms: z.number(),
    times_ms: numbers.min(1),
  }),
);

/** `training.json`: the loss per epoch; written last by training. */
export interface TrainingRecord extends TrainingLog, Partial<Versioned> {
  best_epoch?: number;
  seconds?: number;
  dropped_nonfinite_rows?: number;
}

export const TRAINING = versioned<TrainingRecord>(TRAINING_FILE, {
  epochs: z.array(z.looseObject({ epoch: z.number(), train_loss: z.number(), validation_loss: z.number() })),
  best_epoch: z.number().optional(),
  seconds: z.number().optional(),
  dropped_nonfinite_rows: z.number().optional(),
});

export const SUMMARY = record<FittedSummary>(SUMMARY_FILE, z.looseObject({ names: z.array(z.string()) }));

export const POSTERIOR = record<PosteriorManifest>(
  POSTERIOR_FILE,
  z.looseObject({
    flow: z.looseObject({ kind: z.string(), numTransforms: z.number(), hiddenFeatures: z.number() }),
  }),
);

export const SBC = versioned<SbcRecord & Partial<Versioned>>(diagnosticsFile("sbc"), {
  parameters: z.array(z.string()),
  samples: z.number(),
  /** n × d ranks, row-major (absent in records written before the report drew ECDFs). */
  ranks: numbers.optional(),
  ks: z.array(z.looseObject({ statistic: z.number(), pValue: z.number(), rejected: z.boolean() })),
  histogram: z.looseObject({ bins: z.number(), counts: z.array(numbers), band: numbers }),
});

export const COVERAGE = versioned<CoverageCurve & Partial<Versioned>>(diagnosticsFile("coverage"), {
  levels: numbers,
  coverage: numbers,
  maxDeviation: z.number(),
});

/** The recovery grid; its estimates are absent in records written before the report drew the recovery scatter. */
export const RECOVERY = versioned<Partial<RecoveryEstimates> & Partial<Versioned>>(diagnosticsFile("recovery"), {
  parameters: z.array(z.string()).optional(),
  grid_unit: z.array(numbers).optional(),
  recovery_error: z.array(numbers).optional(),
  predictive_rmse: numbers.optional(),
  median_error: numbers.optional(),
  median_rmse: z.number().optional(),
  truth: z.array(numbers).optional(),
  posterior_median: z.array(numbers).optional(),
  posterior_q025: z.array(numbers).optional(),
  posterior_q975: z.array(numbers).optional(),
});

/** `diagnostics/overlap.json`: OVL per parameter of the simulated pair and of each pair of recordings. */
export interface OverlapRecord extends Partial<Versioned> {
  pairs: { parameter: string; ovl: number }[];
  recordings?: { parameter: string; ovl: number }[];
  recording_pairs?: { a: string; b: string; ovl: { parameter: string; ovl: number }[] }[];
}

export const OVERLAP = versioned<OverlapRecord>(diagnosticsFile("overlap"), {
  pairs: z.array(ovl),
  recordings: z.array(ovl).optional(),
  recording_pairs: z.array(z.looseObject({ a: z.string(), b: z.string(), ovl: z.array(ovl) })).optional(),
});

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

const observationShape = {
  id: z.string().optional(),
  label: z.string(),
  times_ms: numbers,
  x: numbers,
  samples: z.array(numbers).min(1),
  acceptance_rate: z.number().optional(),
  correlation: z.array(numbers).optional(),
  predictive_rmse: z.number().optional(),
  theta_true: numbers.optional(),
  recovery_error: numbers.optional(),
  predictive: bands.optional(),
  units: z.string().optional(),
  waveform_axis: z.looseObject({ label: z.string(), unit: z.string(), scale: z.number() }).optional(),
  recording: z.looseObject({
    path: z.string().optional(),
    column: z.string().optional(),
    scale: z.number().optional(),
    smoothing_ms: z.number().optional(),
    offset_ms: z.number().optional(),
    baseline_ms: z.tuple([z.number(), z.number()]).nullable().optional(),
    beta_meg_subjects: z.array(z.int()).min(1).optional(),
    trough_bin_nam: z.tuple([z.number(), z.number()]).optional(),
    n_events: z.number().optional(),
    trough_ms: z.number().optional(),
  }).optional(),
};

/** `observations/<id>.json`. */
export function observationRecord(id: string): RunRecord<ObservationRecord> {
  return versioned(observationFile(id), observationShape);
}

/** The first problem of a failed check, on one line: `n: expected number, received string`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.length ? issue.path.join(".") : "the file"}: ${issue.message.toLowerCase()}`;
}
