/**
 * The files of a run folder that the report reads (docs/runs.md), each with the shape its pages rely on. A file
 * that is not JSON or lacks a field a page uses makes the run bad with the reason, rather than breaking a page.
 * Fields no page reads are not checked, so newer writers stay readable.
 */
import { z } from "zod";
import type { DatasetManifest } from "../data/dataset.ts";
import type { CoverageCurve } from "../diagnostics/coverage.ts";
import type { RecoveryEstimates, SbcRecord } from "../plots/diagnostics.ts";
import { CONFIG_FILE } from "../experiments/run_folder.ts";
import type { PosteriorManifest } from "../posterior/io.ts";
import type { FittedSummary } from "../stats/summary.ts";
import type { ObservationRecord } from "./observations.ts";
import type { ExperimentRecord, TrainingRecord } from "./overview.tsx";

/** One file of a run folder: its path inside the run and the schema it must meet, typed as the pages use it. */
export interface RunRecord<T> {
  file: string;
  schema: z.ZodType;
  /** Phantom: the type the pages read (the schema checks the fields they use). */
  readonly type?: T;
}

const record = <T>(file: string, schema: z.ZodType): RunRecord<T> => ({ file, schema });

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

export const EXPERIMENT = record<ExperimentRecord>(
  "experiment.json",
  z.looseObject({
    model: z.string(),
    status: z.string(),
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
);

export const DATASET_MANIFEST = record<DatasetManifest>(
  "dataset/manifest.json",
  z.looseObject({
    model: z.string(),
    prior: z.array(parameter).min(1),
    n: z.number(),
    dt_ms: z.number(),
    times_ms: numbers.min(1),
  }),
);

export const TRAINING = record<TrainingRecord>(
  "training.json",
  z.looseObject({
    epochs: z.array(z.looseObject({ epoch: z.number(), train_loss: z.number(), validation_loss: z.number() })),
  }),
);

export const SUMMARY = record<FittedSummary>("summary.json", z.looseObject({ names: z.array(z.string()) }));

export const POSTERIOR = record<PosteriorManifest>(
  "posterior/posterior.json",
  z.looseObject({
    flow: z.looseObject({ kind: z.string(), numTransforms: z.number(), hiddenFeatures: z.number() }),
  }),
);

export const SBC = record<SbcRecord>(
  "diagnostics/sbc.json",
  z.looseObject({
    parameters: z.array(z.string()),
    samples: z.number(),
    /** n × d ranks, row-major (absent in records written before the report drew ECDFs). */
    ranks: numbers.optional(),
    ks: z.array(z.looseObject({ statistic: z.number(), pValue: z.number(), rejected: z.boolean() })),
    histogram: z.looseObject({ bins: z.number(), counts: z.array(numbers), band: numbers }),
  }),
);

export const COVERAGE = record<CoverageCurve>(
  "diagnostics/coverage.json",
  z.looseObject({ levels: numbers, coverage: numbers, maxDeviation: z.number() }),
);

/** The recovery grid; its estimates are absent in records written before the report drew the recovery scatter. */
export const RECOVERY = record<Partial<RecoveryEstimates>>(
  "diagnostics/recovery.json",
  z.looseObject({
    truth: z.array(numbers).optional(),
    posterior_median: z.array(numbers).optional(),
    posterior_q025: z.array(numbers).optional(),
    posterior_q975: z.array(numbers).optional(),
  }),
);

/** The run's own experiment file (lib/experiments/types.ts `document`); runs made before it was kept have none. */
export const RUN_CONFIG = record<{ recording_units?: { scale: number; smooth_ms: number } }>(
  CONFIG_FILE,
  z.looseObject({
    recording_units: z.looseObject({ scale: z.number(), smooth_ms: z.number() }).optional(),
  }),
);

/** `observations/<id>.json`. */
export function observationRecord(id: string): RunRecord<ObservationRecord> {
  return record(
    `observations/${id}.json`,
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
  );
}

/** The first problem of a failed check, on one line: `n: expected number, received string`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.length ? issue.path.join(".") : "the file"}: ${issue.message.toLowerCase()}`;
}
