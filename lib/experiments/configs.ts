/**
 * The seed paper's experiments as runnable configurations, each at two sizes: `small` finishes on a 2-core laptop
 * in minutes, `paper` matches the paper's simulation budget (for a GPU).
 */
import { dataPath } from "../data/paths.ts";
import { hnnBetaSimulator, hnnErpSimulator, hnnRcSimulator, SMOOTH_WINDOW_MS } from "../hnn/models.ts";
import type { Simulator } from "../models/model.ts";
import { rcModel } from "../models/rc.ts";
import { windowedSimulator } from "../models/window.ts";
import type { SummarySpec } from "../stats/summary.ts";
import type { Recording, RecordingUnits } from "./recordings.ts";

export const EXPERIMENT_NAMES = ["rc", "hnn-rc", "beta", "erp"] as const;
export type ExperimentName = typeof EXPERIMENT_NAMES[number];
export const SIZES = ["small", "paper"] as const;
export type Size = typeof SIZES[number];

/** The paper's summary statistics, by the names the CLI takes. */
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
  name: ExperimentName;
  /** The simulator at an integration step (the paper's 0.5 ms for HNN; the RC model has its own time base). */
  simulator: (dtMs: number) => Simulator;
  /** The paper's integration step, ms. */
  dtMs: number;
  description: string;
  /** Default summary (a key of SUMMARIES). */
  summary: string;
  /** Half-width of the uniform observation noise added to every simulated x with `--noise`, in x's units. */
  noise: number;
  /** The paper's conditioning points, unit-cube θ, with labels. */
  observations: { id: string; label: string; unit: number[] }[];
  /** Recorded waveforms conditioned on like the simulated points (each costs 1 + predictiveSims simulations). */
  recordings?: Recording[];
  /** How any recorded waveform of this experiment maps onto x (uploads in the report too); none: already x. */
  recordingUnits?: RecordingUnits;
  budgets: Record<Size, Budget>;
}

const SMALL: Budget = {
  sims: 10_000,
  sbcPairs: 300,
  sbcSamples: 200,
  gridPoints: 4,
  gridSamples: 500,
  predictiveSims: 20,
  observationSamples: 2000,
};
const PAPER: Budget = {
  sims: 100_000,
  sbcPairs: 1000,
  sbcSamples: 1000,
  gridPoints: 10,
  gridSamples: 1000,
  predictiveSims: 100,
  observationSamples: 10_000,
};

/** Half-width of the HNN experiments' uniform noise on x, nAm: sd 1e-5, the paper's. */
const HNN_NOISE = 1e-5 * Math.sqrt(3);

/**
 * HNN's scaling of one simulated network's dipole onto these recordings (hnn-core's default `dipole_scalefctr`, with
 * which HNN's ERP tutorial fits them): the paper fitted only simulated ERPs, so the data are divided by it.
 */
const MEG_UNITS: RecordingUnits = { scale: 3000, smoothMs: SMOOTH_WINDOW_MS };

/** An averaged MEG ERP of data/meg (two columns: ms, nAm) as the ERP model sees it. */
function megRecording(id: string, label: string, file: string): Recording {
  const path = dataPath("meg", file);
  return { id, label, path, ...MEG_UNITS };
}

export const EXPERIMENTS: Record<ExperimentName, ExperimentConfig> = {
  rc: {
    name: "rc",
    simulator: () => rcModel,
    dtMs: 0.5,
    description: "RC circuit, two current pulses; θ = amp1, amp2, latency",
    summary: "pca30",
    // The paper regularised its RC posterior with Gaussian noise of sd 0.1 mV on x (its training code): uniform
    // noise with that standard deviation has half-width 0.1·√3.
    noise: 0.1 * Math.sqrt(3),
    observations: [
      { id: "latency-0", label: "θ unit [0.3, 0.5, 0.5] (Δt = 0 ms)", unit: [0.3, 0.5, 0.5] },
      { id: "latency-37.5", label: "θ unit [0.3, 0.5, 0.75] (Δt = 37.5 ms)", unit: [0.3, 0.5, 0.75] },
    ],
    budgets: { small: SMALL, paper: PAPER },
  },
  // The HNN experiments follow the paper's code (ntolley/hnn_sbi_examples): dt 0.5 ms, x = the aggregate dipole
  // smoothed over 20 ms, unscaled, and Gaussian noise of sd 1e-5 nAm on x for training (uniform, same sd, here).
  // Their small budgets are sized from llvmpipe's CPU time per simulation at dt 0.5 ms (docs/RESULTS.md); a run
  // simulates sims + sbcPairs + (gridPoints^dim + observations + recordings) × (1 + predictiveSims) networks.
  "hnn-rc": {
    name: "hnn-rc",
    // The paper left out the first 50 ms (the cells' start-up transient, the same for every θ).
    simulator: (dtMs) => windowedSimulator(hnnRcSimulator({ dtMs }), 50, 350),
    dtMs: 0.5,
    description: "HNN with connections cleared; proximal and distal inputs to L5 pyramidal cells, θ = weights, latency",
    summary: "pca30",
    noise: HNN_NOISE,
    observations: [
      { id: "latency-0", label: "θ unit [0.35, 0.55, 0.5]", unit: [0.35, 0.55, 0.5] },
      { id: "latency-37.5", label: "θ unit [0.35, 0.55, 0.75]", unit: [0.35, 0.55, 0.75] },
    ],
    // 1474 networks at 0.47 CPU-s each.
    budgets: { small: { ...SMALL, sims: 1200, sbcPairs: 100, gridPoints: 3, predictiveSims: 5 }, paper: PAPER },
  },
  beta: {
    name: "beta",
    // The paper fitted 158–258 ms of its 500 ms runs; x there depends on nothing after 268 ms (10 ms of smoothing), so
    // the network runs to 270 ms only.
    simulator: (dtMs) => windowedSimulator(hnnBetaSimulator({ dtMs, tstopMs: 270 }), 158, 258),
    dtMs: 0.5,
    description: "beta event: two bursty drives; θ = their burst spreads",
    summary: "pca30",
    noise: HNN_NOISE,
    observations: [
      { id: "narrow", label: "θ unit [0.25, 0.25]", unit: [0.25, 0.25] },
      { id: "wide", label: "θ unit [0.75, 0.75]", unit: [0.75, 0.75] },
    ],
    // 455 networks at 1.9 CPU-s each.
    budgets: { small: { ...SMALL, sims: 350, sbcPairs: 50, gridPoints: 3, predictiveSims: 4 }, paper: PAPER },
  },
  erp: {
    name: "erp",
    // 0–170 ms (the paper simulated 250): the span of the MEG recordings, so one posterior serves both.
    simulator: (dtMs) => hnnErpSimulator({ dtMs, tstopMs: 170 }),
    dtMs: 0.5,
    description: "ERP: three evoked drives; θ = weights onto L5 pyramidal cells, the paper's IL2, IL5, EL2, EL5 " +
      "(dist_inh, prox_inh, dist_exc, prox_exc; log10-uniform on [1e-5, 10] µS)",
    summary: "pca30",
    noise: HNN_NOISE,
    observations: [
      { id: "a", label: "θ unit [0.65, 0.95, 0.65, 0.5]", unit: [0.65, 0.95, 0.65, 0.5] },
      { id: "b", label: "θ unit [0.15, 0.25, 0.45, 0.65]", unit: [0.15, 0.25, 0.45, 0.65] },
    ],
    recordingUnits: MEG_UNITS,
    recordings: [
      megRecording("meg-yes", "MEG SI ERP, detected taps (yes trials)", "yes_trial_S1_ERP_all_avg.txt"),
      megRecording("meg-no", "MEG SI ERP, missed taps (no trials)", "no_trial_S1_ERP_all_avg.txt"),
    ],
    // 690 networks at 1.3 CPU-s each.
    budgets: { small: { ...SMALL, sims: 550, sbcPairs: 40, gridPoints: 2, predictiveSims: 4 }, paper: PAPER },
  },
};
