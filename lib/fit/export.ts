/**
 * A finished model fit as plain files for others to read (docs/fit.md#export): `samples.csv`, posterior draws at the
 * fitted observation in the prior's units; `predictive.csv`, the noise-free simulations of its first rows, one column
 * per row, as `simulate --model M --theta-file` gives them (with `--trials K` for a fit of K-trial means); `fit.json`,
 * what was fitted and how well.
 */
import { parseThetaCsv } from "../data/theta_csv.ts";
import { formatSamplesCsv } from "../posterior/csv.ts";
import type { GpuRuntime } from "../gpu/runtime.ts";
import { predictiveBands } from "../plots/posterior.ts";
import { computeSummary } from "../stats/summary.ts";
import { readFit, readObservation, readRounds, recordingScale, type RoundRecord } from "./records.ts";
import { loadFitPosterior } from "./run_posterior.ts";
import { EXPERIMENT_COPY } from "./experiment_copy.ts";
import { isExperimentFile } from "../experiments/models.ts";
import { trialsOf } from "../models/trials.ts";
import { bandRms, smoothingGain } from "../stats/bands.ts";

/** Edges (Hz) of the bands fit.json splits the misfit over: 10 Hz wide, then everything above 60 Hz. */
export const RESIDUAL_BAND_EDGES_HZ = [0, 10, 20, 30, 40, 50, 60];

export interface ExportOptions {
  /** Posterior draws in samples.csv. */
  samples: number;
  /** Of them, the first this many simulated into predictive.csv. */
  predictive: number;
  seed: number;
}

export interface FitExport {
  samplesCsv: string;
  predictiveCsv: string;
  summary: FitExportSummary;
}

export interface FitExportSummary {
  /**
   * As `simulate --model` takes it, with its integration step (`--dt`): a shipped model's name, or "model.json",
   * the copy of a researcher's experiment file that the export keeps beside this file.
   */
  model: string;
  dt_ms: number;
  /** Trials each simulation's x averages (`simulate --trials`); absent in exports that predate it: 1. */
  trials?: number;
  recording: string;
  /** Simulations of each round (round 1: the prior's, or the initial dataset's) and in all. */
  sims_per_round: number[];
  total_sims: number;
  /** Each round's predictive check as the fit recorded it (the RMSE of its K draws' median to the recording, × F). */
  rounds: { round: number; total_sims: number; predictive_rmse: number; region_volume: number }[];
  samples: number;
  predictive_sims: number;
  /** RMSE of the median of predictive.csv's columns to the recording, over the model's whole window. */
  predictive_median_rmse: number;
  /**
   * The fit's recording scale F (x = recording ÷ F): predictive.csv is the model's x × F, on the recording's own
   * scale, as `simulate --theta-file --scale F` writes it; the RMSE is on that scale too.
   */
  recording_scale: number;
  x_unit?: string;
  times_ms: [number, number];
  /** The Hamming window (ms) smoothing the model's x; absent where x is not smoothed. */
  smoothing_ms?: number;
  /**
   * Where the misfit lies in frequency: the predictive median minus the recording split over bands (their
   * residual_rms² sum to predictive_median_rmse²), beside the recording's own RMS in each band and the gain of the
   * model's smoothing at the band's lower edge (the most it passes there). Absent in exports that predate it.
   */
  residual_by_band?: ResidualBand[];
  seed: number;
  /** A fit around a tuned θ (fit --around): that θ by name and the half-width of the box, in unit-cube terms. */
  around?: { theta: Record<string, number>; half_width: number };
}

export interface ResidualBand {
  from_hz: number;
  to_hz: number;
  residual_rms: number;
  recording_rms: number;
  smoothing_gain?: number;
}

/** "0–10 Hz", …, "60+ Hz" (the last band runs to the Nyquist frequency). */
export function bandLabel(band: { from_hz: number; to_hz: number }): string {
  return band.from_hz === RESIDUAL_BAND_EDGES_HZ.at(-1) ? `${band.from_hz}+ Hz` : `${band.from_hz}–${band.to_hz} Hz`;
}

/** The misfit `model − recording` and the recording split over RESIDUAL_BAND_EDGES_HZ (fit.json's residual_by_band). */
export function residualByBand(
  model: ArrayLike<number>,
  recording: ArrayLike<number>,
  dtMs: number,
  smoothingMs?: number,
): ResidualBand[] {
  const residual = Float64Array.from(recording, (r, i) => model[i] - r);
  const recordingBands = bandRms(recording, dtMs, RESIDUAL_BAND_EDGES_HZ);
  return bandRms(residual, dtMs, RESIDUAL_BAND_EDGES_HZ).map((band, b) => ({
    from_hz: band.from_hz,
    to_hz: band.to_hz,
    residual_rms: band.rms,
    recording_rms: recordingBands[b].rms,
    ...(smoothingMs !== undefined ? { smoothing_gain: smoothingGain(smoothingMs, dtMs, band.from_hz) } : {}),
  }));
}

/** The export of the complete model fit in `dir`; a fit that is not one is an error that says why. */
export async function exportFit(runtime: GpuRuntime, dir: string, options: ExportOptions): Promise<FitExport> {
  if (options.predictive > options.samples) {
    throw new Error(`--predictive ${options.predictive} exceeds --samples ${options.samples}`);
  }
  const run = await loadFitPosterior(dir);
  if (!run) throw new Error(`${dir} holds no fit (no fit.json)`);
  try {
    const fit = (await readFit(dir))!;
    const observation = (await readObservation(dir))!;
    const rounds: RoundRecord[] = await readRounds(dir);
    const xo = Float32Array.from(observation.x);
    // x = recording ÷ scale (fit --scale): predictive.csv and its RMSE go back onto the recording's own scale.
    const scale = recordingScale(observation);
    const features = await computeSummary(runtime, run.summary, xo);
    const { samples } = await run.posterior.sample(options.samples, features, { seed: options.seed });
    const samplesCsv = formatSamplesCsv(run.posterior.prior.names, samples);
    // θ as samples.csv gives it to `simulate --theta-file` (printed to 8 digits), without seeds as there: column k
    // is that command's simulation of row k.
    const theta = parseThetaCsv(samplesCsv, run.simulator.prior, "samples.csv");
    const d = run.simulator.prior.dim, times = Array.from(run.simulator.timesMs);
    const simulated = await run.simulator.simulate(runtime, theta.subarray(0, options.predictive * d));
    const x = Float64Array.from(simulated, (v) => v * scale);
    const median = predictiveBands(x, times).q50;
    const recording = Float64Array.from(xo, (v) => v * scale);
    const rmse = Math.sqrt(median.reduce((sum, m, i) => sum + (m - recording[i]) ** 2, 0) / xo.length);
    const smoothingMs = run.simulator.smoothMs;
    return {
      samplesCsv,
      predictiveCsv: predictiveCsv(times, x, options.predictive),
      summary: {
        model: "model" in fit.settings.target ? exportedModel(fit.settings.target.model) : run.simulator.name,
        dt_ms: run.simulator.dtMs,
        trials: trialsOf(run.simulator.settings),
        recording: observation.label,
        sims_per_round: rounds.map((r) => r.sims),
        total_sims: rounds.at(-1)?.total_sims ?? 0,
        rounds: rounds.map((r) => ({
          round: r.round,
          total_sims: r.total_sims,
          predictive_rmse: r.predictive.rmse * scale,
          region_volume: r.region.volume,
        })),
        samples: options.samples,
        predictive_sims: options.predictive,
        predictive_median_rmse: rmse,
        recording_scale: scale,
        x_unit: observation.x_unit,
        times_ms: [times[0], times.at(-1)!],
        ...(smoothingMs !== undefined ? { smoothing_ms: smoothingMs } : {}),
        residual_by_band: residualByBand(median, recording, times[1] - times[0], smoothingMs),
        seed: options.seed,
        ...(fit.settings.around ? { around: aroundByName(fit.settings.around, run.posterior.prior.names) } : {}),
      },
    };
  } finally {
    run.posterior.dispose();
  }
}

/** A shipped model by name; a researcher's experiment file as the copy the export keeps beside fit.json. */
const exportedModel = (model: string) => isExperimentFile(model) ? EXPERIMENT_COPY : model;

function aroundByName(around: { theta: number[]; half_width: number }, names: string[]) {
  return { theta: Object.fromEntries(names.map((name, j) => [name, around.theta[j]])), half_width: around.half_width };
}

/** `time_ms,draw_1,...,draw_K`: one row per time, column k the simulation of samples.csv's row k. */
function predictiveCsv(times: number[], x: Float64Array, k: number): string {
  const t = times.length;
  const header = ["time_ms", ...Array.from({ length: k }, (_, j) => `draw_${j + 1}`)].join(",");
  const rows = times.map((time, i) => [time, ...Array.from({ length: k }, (_, j) => x[j * t + i])].join(","));
  return [header, ...rows].join("\n") + "\n";
}
