/** What an experiment is once loaded from its file (experiment_file.ts): a simulator, its checks' budgets, its data. */
import type { Simulator } from "../models/model.ts";
import type { Posterior } from "../posterior/posterior.ts";
import type { FittedSummary, SummarySpec } from "../stats/summary.ts";
import type { AnyRecording, RecordingUnits } from "./recordings.ts";

export const SIZES = ["small", "paper"] as const;
export type Size = typeof SIZES[number];

/** The stages an experiment may stop after (`--until`), to be resumed later or elsewhere. */
export const EXPERIMENT_STAGES = ["dataset", "training"] as const;
export type ExperimentStage = typeof EXPERIMENT_STAGES[number];

/** The paper's summary statistics, by the names the CLI and experiment files take. */
export const SUMMARIES: Record<string, SummarySpec> = {
  raw: { kind: "raw" },
  pca4: { kind: "pca", components: 4 },
  pca30: { kind: "pca", components: 30 },
  peaks: { kind: "peaks" },
  bandpower: { kind: "bandpower" },
  psd: { kind: "psd", fmax_hz: 200 },
};

export interface Budget {
  /** Training simulations. */
  sims: number;
  /** SBC / coverage pairs and posterior samples per pair. */
  sbcPairs: number;
  sbcSamples: number;
  /** Ground truths per dimension of the unit-cube grid, posterior samples per grid point. */
  gridPoints: number;
  gridSamples: number;
  /** Simulations from posterior samples per predictive check. */
  predictiveSims: number;
  /** Posterior samples kept per conditioned observation. */
  observationSamples: number;
}

export interface ExperimentConfig {
  name: string;
  /** The simulator at an integration step (the paper's 0.5 ms for HNN; the RC model has its own time base). */
  simulator: (dtMs: number) => Simulator;
  /** The experiment's integration step, ms. */
  dtMs: number;
  description: string;
  /** Default summary (a key of SUMMARIES). */
  summary: string;
  /** Half-width of the uniform observation noise added to every simulated x (unless --no-noise), in x's units. */
  noise: number;
  /** Conditioning points, unit-cube θ, with labels. */
  observations: { id: string; label: string; unit: number[] }[];
  /**
   * Recorded waveforms (files, or MEG beta events averaged at run start) conditioned on like the simulated points
   * (each costs predictiveSims simulations).
   */
  recordings?: AnyRecording[];
  /** Pairs of recordings (ids) whose posteriors are compared (OVL); by default the two, when there are two. */
  recordingPairs?: [string, string][];
  /** How any recorded waveform of this experiment maps onto x (uploads in the report too); scale 1, no smoothing: already x. */
  recordingUnits: RecordingUnits;
  /** The budget of each size the file gives. */
  budgets: Partial<Record<Size, Budget>>;
  /** The experiment file this came from. */
  source: string;
  /** The file made self-contained (network inline, recording paths absolute): run folders keep it as config.json. */
  document: Record<string, unknown>;
}

/** A trained run (or a model's fit folder) ready to condition: what `condition` and the report load. */
export interface RunPosterior {
  /** The trained posterior and its prior; samples come back in the parameters' units. */
  posterior: Posterior;
  summary: FittedSummary;
  /** The run's noise-free simulator, as the run's own predictive checks use it. */
  simulator: Simulator;
  /** How a recorded waveform maps onto the simulator's x (the experiment's scale and smoothing). */
  units: RecordingUnits;
}
