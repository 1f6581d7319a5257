/**
 * The files of a run folder (docs/runs.md), each with the shape its readers rely on. A file that is not JSON or
 * lacks a field a reader uses makes the run bad with the reason, rather than breaking a page. Fields no reader
 * uses are not checked, so newer writers stay readable. The records a run writes itself carry `version`
 * (RUN_RECORD_VERSION); those written before it was kept have none and read as version 1.
 */
import { z } from "zod";
import type { DatasetManifest } from "../data/dataset.ts";
import type { CoverageCurve } from "../diagnostics/coverage.ts";
import type { SbcRecord } from "../plots/diagnostics.ts";
import type { PosteriorManifest } from "../posterior/io.ts";
import type { FittedSummary } from "../stats/summary.ts";
import {
  CONFIG_FILE,
  DATASET_MANIFEST_FILE,
  diagnosticsFile,
  EXPERIMENT_FILE,
  LOCK_FILE,
  NAME_PATTERN,
  observationFile,
  PACK_FILE,
  POSTERIOR_FILE,
  RECOVERY_PROGRESS_FILE,
  SBC_PROGRESS_FILE,
  SUMMARY_FILE,
  TRAINING_FILE,
} from "./paths.ts";
import {
  type ExperimentRecord,
  type ObservationRecord,
  type OverlapRecord,
  PACK_FORMAT,
  type PackManifest,
  type RecoveryProgressRecord,
  type RecoveryRecord,
  RUN_RECORD_VERSION,
  type RunLockRecord,
  type SbcProgressRecord,
  type TrainingRecord,
  type Versioned,
} from "./types.ts";

/** One file of a run folder: its path inside the run and the schema it must meet, typed as readers use it. */
export interface RunRecord<T> {
  file: string;
  schema: z.ZodType;
  /** Whether the record carries `version` (absent in records written before it was kept: version 1). */
  versioned: boolean;
  /** Written indented, for people to read (experiment.json, config.json); else on one line. */
  indented: boolean;
  /** Phantom: the type readers use (the schema checks the fields they rely on). */
  readonly type?: T;
}

const record = <T>(file: string, schema: z.ZodObject, options: Partial<RunRecord<T>> = {}): RunRecord<T> => ({
  file,
  schema: options.versioned ? schema.extend({ version: z.literal(RUN_RECORD_VERSION).optional() }) : schema,
  versioned: options.versioned ?? false,
  indented: options.indented ?? false,
});

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

export const EXPERIMENT = record<ExperimentRecord>(
  EXPERIMENT_FILE,
  z.looseObject({
    model: z.string(),
    status: z.string(),
    name: z.string().optional(),
    noise: z.number().optional(),
    command: z.string().optional(),
    budget: z.looseObject({ predictiveSims: z.number().optional() }).optional(),
    results: z.looseObject({
      sbc_rejected: z.number(),
      sbc_pvalues: numbers,
      coverage_max_deviation: z.number(),
      median_recovery_error: numbers,
      median_predictive_rmse: z.number(),
      overlap: z.array(z.looseObject({ parameter: z.string(), ovl: z.number() })),
    }).optional(),
  }),
  { versioned: true, indented: true },
);

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

export const TRAINING = record<TrainingRecord>(
  TRAINING_FILE,
  z.looseObject({
    epochs: z.array(z.looseObject({ epoch: z.number(), train_loss: z.number(), validation_loss: z.number() })),
  }),
  { versioned: true },
);

export const SUMMARY = record<FittedSummary>(SUMMARY_FILE, z.looseObject({ names: z.array(z.string()) }));

export const POSTERIOR = record<PosteriorManifest>(
  POSTERIOR_FILE,
  z.looseObject({
    flow: z.looseObject({ kind: z.string(), numTransforms: z.number(), hiddenFeatures: z.number() }),
  }),
);

export const SBC = record<SbcRecord & Partial<Versioned>>(
  diagnosticsFile("sbc"),
  z.looseObject({
    parameters: z.array(z.string()),
    samples: z.number(),
    /** n × d ranks, row-major (absent in records written before the report drew ECDFs). */
    ranks: numbers.optional(),
    ks: z.array(z.looseObject({ statistic: z.number(), pValue: z.number(), rejected: z.boolean() })),
    histogram: z.looseObject({ bins: z.number(), counts: z.array(numbers), band: numbers }),
  }),
  { versioned: true },
);

export const COVERAGE = record<CoverageCurve & Partial<Versioned>>(
  diagnosticsFile("coverage"),
  z.looseObject({ levels: numbers, coverage: numbers, maxDeviation: z.number() }),
  { versioned: true },
);

/** The recovery grid; its estimates are absent in records written before the report drew the recovery scatter. */
export const RECOVERY = record<Partial<RecoveryRecord>>(
  diagnosticsFile("recovery"),
  z.looseObject({
    truth: z.array(numbers).optional(),
    posterior_median: z.array(numbers).optional(),
    posterior_q025: z.array(numbers).optional(),
    posterior_q975: z.array(numbers).optional(),
  }),
  { versioned: true },
);

/** The settings a check's progress was made with (lib/runs/types.ts CheckSettings). */
const checkSettings = z.record(z.string(), z.number());

/** The recovery grid's progress while it runs; `rmse` is null where a point's predictive simulations were not finite. */
export const RECOVERY_PROGRESS = record<RecoveryProgressRecord>(
  RECOVERY_PROGRESS_FILE,
  z.looseObject({
    settings: checkSettings.optional(),
    points: z.array(
      z.looseObject({ error: numbers, q025: numbers, median: numbers, q975: numbers, rmse: z.number().nullable() }),
    ),
  }),
  { versioned: true },
);

/** SBC and coverage's progress while they run. */
export const SBC_PROGRESS = record<SbcProgressRecord>(
  SBC_PROGRESS_FILE,
  z.looseObject({
    settings: checkSettings,
    pairs: z.array(z.looseObject({ ranks: z.array(z.int().nonnegative()), level: z.number() })),
  }),
  { versioned: true },
);

/** `pack.json`: its own `format` names its version. Parts are plain file names beside it. */
export const PACK = record<PackManifest>(
  PACK_FILE,
  z.looseObject({
    format: z.literal(PACK_FORMAT),
    run: z.string().regex(NAME_PATTERN, "not a run folder's name"),
    created: z.string(),
    parts: z.array(
      z.looseObject({
        file: z.string().regex(/^[^./][^/]*$/, "not a file name"),
        bytes: z.int().nonnegative(),
        sha256: z.string(),
      }),
    ).min(1),
    files: z.int(),
    bytes: z.number(),
    left_behind: z.array(z.looseObject({ path: z.string(), bytes: z.number() })),
    left_behind_reason: z.string().optional(),
  }),
  { indented: true },
);

/** The run's own experiment file (lib/experiments/experiment_file.ts checks it); runs made before it was kept have none. */
export const RUN_CONFIG = record<Record<string, unknown> & { recording_units?: { scale: number; smooth_ms: number } }>(
  CONFIG_FILE,
  z.looseObject({
    recording_units: z.looseObject({ scale: z.number(), smooth_ms: z.number() }).optional(),
  }),
  { indented: true },
);

/** `observations/<id>.json` (also what `condition` writes). */
export function observationRecord(id: string): RunRecord<ObservationRecord> {
  return record(
    observationFile(id),
    z.looseObject({
      label: z.string(),
      times_ms: numbers,
      x: numbers,
      samples: z.array(numbers).min(1),
      theta_true: numbers.optional(),
      predictive: bands.optional(),
      units: z.string().optional(),
      waveform_axis: z.looseObject({ label: z.string(), unit: z.string(), scale: z.number() }).optional(),
      recording: z.looseObject({
        path: z.string().optional(),
        beta_meg_subjects: z.array(z.int()).min(1).optional(),
        trough_bin_nam: z.tuple([z.number(), z.number()]).optional(),
        n_events: z.number().optional(),
      }).optional(),
    }),
    { versioned: true },
  );
}

/** `diagnostics/overlap.json`. */
export const OVERLAP = record<OverlapRecord>(
  diagnosticsFile("overlap"),
  z.looseObject({
    pairs: z.array(ovl),
    recordings: z.array(ovl).optional(),
    recording_pairs: z.array(z.looseObject({ a: z.string(), b: z.string(), ovl: z.array(ovl) })).optional(),
  }),
  { versioned: true },
);

/** `run.lock` (lib/runs/lock.ts). */
export const RUN_LOCK = record<RunLockRecord>(
  LOCK_FILE,
  z.looseObject({
    pid: z.int(),
    host: z.string().optional(),
    started: z.string(),
    heartbeat: z.string(),
  }),
  { versioned: true },
);

/** The first problem of a failed check, on one line: `n: expected number, received string`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.length ? issue.path.join(".") : "the file"}: ${issue.message.toLowerCase()}`;
}
