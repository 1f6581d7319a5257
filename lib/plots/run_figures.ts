/**
 * Every figure of a run's report by file name, and its posterior samples as CSV: the pages draw these, the report's
 * download routes serve them, and `cli export` writes them to a folder, so all three give the same files.
 */
import { join } from "node:path";
import type { DatasetManifest } from "../data/dataset.ts";
import { npyHeader } from "../data/npy.ts";
import type { CoverageCurve } from "../diagnostics/coverage.ts";
import { marginalCoverage } from "../diagnostics/sbc_ecdf.ts";
import type { BoxParameter } from "../prior/schema.ts";
import { DATASET_DIR, runPath } from "../runs/paths.ts";
import {
  COVERAGE,
  DATASET_MANIFEST,
  observationRecord,
  RECOVERY,
  type RunRecord,
  SBC,
  TRAINING,
} from "../runs/records.ts";
import type { ObservationRecord } from "../runs/types.ts";
import type { RunStore } from "../server/runs.ts";
import {
  coveragePlot,
  marginalCoveragePlot,
  type RecoveryEstimates,
  recoveryScatter,
  sbcEcdfPlots,
  sbcHistograms,
  type SbcRecord,
  trainingCurves,
  type TrainingLog,
} from "./diagnostics.ts";
import {
  PAIR_CELL,
  type PairBounds,
  pairPlotCells,
  type PredictiveBands,
  predictiveBands,
  predictivePlot,
} from "./posterior.ts";

export interface Figure {
  /** File name without `.svg`: letters, digits, `.`, `_` and `-`. */
  name: string;
  render: () => string;
}

/** Everything of a run folder the report draws; each part is absent until the run has written it. */
export interface RunReport {
  run: string;
  manifest?: DatasetManifest;
  training?: TrainingLog;
  sbc?: SbcRecord;
  coverage?: CoverageCurve;
  recovery?: Partial<RecoveryEstimates>;
  observations: { id: string; record: ObservationRecord }[];
  /** Bands of the dataset's first simulations: what the prior alone produces (present with a dataset's x). */
  priorPredictive?: PredictiveBands;
}

/** Levels at which the diagnostics page tabulates each parameter's coverage. */
export const COVERAGE_LEVELS = Array.from({ length: 21 }, (_, k) => k / 20);

/** Prior-predictive simulations read from the dataset: enough for stable 95% bands, cheap to read. */
const PRIOR_PREDICTIVE_ROWS = 1000;

/**
 * The files a page draws from, besides the dataset manifest (always read: it holds the prior). A page reads only
 * these, so a bad file (lib/runs/records.ts) makes only the pages that need it bad.
 */
export interface ReportParts {
  training?: boolean;
  sbc?: boolean;
  coverage?: boolean;
  recovery?: boolean;
  /** Ids of the observations to read. */
  observations?: string[];
  /** The dataset's first simulations, as bands. */
  priorPredictive?: boolean;
}

/** A run's report as far as `parts` asks (all of it by default); BadRun names the first file that cannot be read. */
export async function loadRunReport(store: RunStore, run: string, parts?: ReportParts): Promise<RunReport> {
  const want: ReportParts = parts ?? {
    training: true,
    sbc: true,
    coverage: true,
    recovery: true,
    observations: await store.observationIds(run),
    priorPredictive: true,
  };
  const read = <T>(on: boolean | undefined, record: RunRecord<T>) => on ? store.read(run, record) : undefined;
  const [manifest, training, sbc, coverage, recovery] = await Promise.all([
    store.read(run, DATASET_MANIFEST),
    read(want.training, TRAINING),
    read(want.sbc, SBC),
    read(want.coverage, COVERAGE),
    read(want.recovery, RECOVERY),
  ]);
  const observations: RunReport["observations"] = [];
  for (const id of want.observations ?? []) {
    const record = await store.read(run, observationRecord(id));
    if (record) observations.push({ id, record });
  }
  const priorPredictive = want.priorPredictive && manifest &&
    await readPriorPredictive(runPath(await store.dir(run), DATASET_DIR), manifest);
  return {
    run,
    manifest,
    training,
    sbc,
    coverage,
    recovery,
    observations,
    priorPredictive: priorPredictive || undefined,
  };
}

/** Bands of the dataset's leading rows of x (prior draws in random order), finite rows only; undefined without x. */
async function readPriorPredictive(dir: string, m: DatasetManifest): Promise<PredictiveBands | undefined> {
  const cols = m.times_ms.length, rows = Math.min(m.n, PRIOR_PREDICTIVE_ROWS);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(join(dir, "x.npy"));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    // The dataset's x.npy is float32 with the header npyHeader writes (checked), so its rows follow at a known offset.
    const header = npyHeader(m.n, cols);
    const bytes = new Uint8Array(header.length + rows * cols * 4);
    let read = 0;
    while (read < bytes.length) {
      const got = await file.read(bytes.subarray(read));
      if (got === null) return undefined;
      read += got;
    }
    if (header.some((b, k) => bytes[k] !== b)) return undefined;
    const x = new Float32Array(bytes.buffer, header.length);
    const finite: number[] = [];
    for (let i = 0; i < rows; i++) {
      const row = x.subarray(i * cols, (i + 1) * cols);
      if (row.every(Number.isFinite)) finite.push(...row);
    }
    return finite.length ? predictiveBands(finite, m.times_ms) : undefined;
  } finally {
    file.close();
  }
}

/** A name made safe for a file name (parameter names are free text in an experiment file). */
function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** The pair plot as one SVG: the cells nested at their places in the grid the pages lay out. */
export function pairPlotSvg(prior: BoxParameter[], samples: number[][], truth?: number[], bounds?: PairBounds) {
  const d = prior.length, size = PAIR_CELL + 10;
  const cells = pairPlotCells(prior, samples, truth, bounds).map((svg, k) =>
    svg.replace(/^<svg /, `<svg x="${(k % d) * size}" y="${Math.floor(k / d) * size}" `)
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${d * size}" height="${d * size}" ` +
    `viewBox="0 0 ${d * size} ${d * size}" font-family="system-ui, sans-serif">${cells.join("")}</svg>`;
}

/** Share of time points at which `x` lies inside the bands' central 95%. */
export function shareInside(bands: PredictiveBands, x: number[]): number {
  const inside = x.filter((v, k) => v >= bands.q025[k] && v <= bands.q975[k]).length;
  return inside / x.length;
}

/** An observation is recorded data (not simulated from a known θ). */
export function isRecording(record: ObservationRecord): boolean {
  return record.theta_true === undefined;
}

/** Figure names, shared by the pages' download links and the files they serve. */
export const FIGURE = {
  training: "training",
  sbcHistogram: (parameter: string) => `sbc-histogram-${slug(parameter)}`,
  sbcEcdf: (parameter: string) => `sbc-ecdf-${slug(parameter)}`,
  coverage: "coverage",
  marginalCoverage: "coverage-per-parameter",
  recovery: (parameter: string) => `recovery-${slug(parameter)}`,
  posterior: (id: string) => `posterior-${slug(id)}`,
  predictive: (id: string) => `predictive-${slug(id)}`,
  priorPredictive: (id: string) => `prior-predictive-${slug(id)}`,
};

/** The parts of a run that figure `name` is drawn from, among observations `ids`: all a download route reads. */
export function figureParts(name: string, ids: string[]): ReportParts {
  const drawn = (id: string) => [FIGURE.posterior(id), FIGURE.predictive(id), FIGURE.priorPredictive(id)];
  const observations = ids.filter((id) => drawn(id).includes(name));
  return {
    training: name === FIGURE.training,
    sbc: name === FIGURE.marginalCoverage || /^sbc-/.test(name),
    coverage: name === FIGURE.coverage,
    recovery: /^recovery-/.test(name),
    observations,
    priorPredictive: observations.some((id) => name === FIGURE.priorPredictive(id)),
  };
}

/** Every figure the run's files allow, rendered on demand; `bounds` sets the pair plots' span. */
export function runFigures(r: RunReport, bounds: PairBounds = "samples"): Figure[] {
  const figures: Figure[] = [];
  const prior = r.manifest?.prior;
  if (r.training) figures.push({ name: FIGURE.training, render: () => trainingCurves(r.training!) });
  if (r.sbc) {
    const sbc = r.sbc;
    sbc.parameters.forEach((p, j) =>
      figures.push({ name: FIGURE.sbcHistogram(p), render: () => sbcHistograms(sbc)[j] })
    );
    const ranks = sbc.ranks;
    if (ranks) {
      sbc.parameters.forEach((p, j) =>
        figures.push({ name: FIGURE.sbcEcdf(p), render: () => sbcEcdfPlots({ ...sbc, ranks })[j] })
      );
      figures.push({
        name: FIGURE.marginalCoverage,
        render: () =>
          marginalCoveragePlot(
            sbc.parameters,
            COVERAGE_LEVELS,
            marginalCoverage(ranks, sbc.parameters.length, sbc.samples, COVERAGE_LEVELS),
          ),
      });
    }
  }
  if (r.coverage) figures.push({ name: FIGURE.coverage, render: () => coveragePlot(r.coverage!) });
  const recovery = r.recovery;
  if (prior && recovery?.truth && recovery.posterior_median && recovery.posterior_q025 && recovery.posterior_q975) {
    const estimates = recovery as RecoveryEstimates;
    prior.forEach((p, j) =>
      figures.push({ name: FIGURE.recovery(p.name), render: () => recoveryScatter(p, j, estimates) })
    );
  }
  for (const { id, record } of r.observations) {
    if (prior) {
      figures.push({
        name: FIGURE.posterior(id),
        render: () => pairPlotSvg(prior, record.samples, record.theta_true, bounds),
      });
    }
    if (record.predictive) {
      figures.push({
        name: FIGURE.predictive(id),
        render: () => predictivePlot(record.predictive!, record.x, record.units ?? "x"),
      });
    }
    if (r.priorPredictive && isRecording(record)) {
      figures.push({
        name: FIGURE.priorPredictive(id),
        render: () => predictivePlot(r.priorPredictive!, record.x, record.units ?? "x"),
      });
    }
  }
  return figures;
}

/** Posterior samples as CSV: a header of the prior's parameter names (as `--theta-file` reads), one row per sample. */
export function samplesCsv(prior: BoxParameter[], samples: number[][]): string {
  return [prior.map((p) => p.name).join(","), ...samples.map((s) => s.join(","))].join("\n") + "\n";
}
