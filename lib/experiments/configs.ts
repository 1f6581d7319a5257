/**
 * The seed paper's experiments as runnable configurations, each at two sizes: `small` finishes on a 2-core laptop
 * in minutes, `paper` matches the paper's simulation budget (for a GPU).
 */
import { hnnBetaSimulator, hnnErpSimulator, hnnRcSimulator } from "../hnn/models.ts";
import type { Simulator } from "../models/model.ts";
import { rcModel } from "../models/rc.ts";
import type { SummarySpec } from "../stats/summary.ts";

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

export const EXPERIMENTS: Record<ExperimentName, ExperimentConfig> = {
  rc: {
    name: "rc",
    simulator: () => rcModel,
    dtMs: 0.5,
    description: "RC circuit, two current pulses; θ = amp1, amp2, latency",
    summary: "pca30",
    // The paper regularised its RC posterior with Gaussian noise of sd 0.1 on x (its training code); same scale here.
    noise: 0.1,
    observations: [
      { id: "latency-0", label: "θ unit [0.3, 0.5, 0.5] (Δt = 0 ms)", unit: [0.3, 0.5, 0.5] },
      { id: "latency-37.5", label: "θ unit [0.3, 0.5, 0.75] (Δt = 37.5 ms)", unit: [0.3, 0.5, 0.75] },
    ],
    budgets: { small: SMALL, paper: PAPER },
  },
  "hnn-rc": {
    name: "hnn-rc",
    simulator: (dtMs) => hnnRcSimulator({ dtMs }),
    dtMs: 0.5,
    description: "HNN with connections cleared; proximal and distal inputs to L5 pyramidal cells, θ = weights, latency",
    summary: "pca30",
    noise: 1e-4,
    observations: [
      { id: "latency-0", label: "θ unit [0.35, 0.55, 0.5]", unit: [0.35, 0.55, 0.5] },
      { id: "latency-37.5", label: "θ unit [0.35, 0.55, 0.75]", unit: [0.35, 0.55, 0.75] },
    ],
    budgets: { small: { ...SMALL, sims: 1000, sbcPairs: 100, gridPoints: 3, predictiveSims: 10 }, paper: PAPER },
  },
  beta: {
    name: "beta",
    simulator: (dtMs) => hnnBetaSimulator({ dtMs }),
    dtMs: 0.5,
    description: "beta event: two bursty drives; θ = their burst spreads",
    summary: "pca30",
    noise: 1e-4,
    observations: [
      { id: "narrow", label: "θ unit [0.25, 0.25]", unit: [0.25, 0.25] },
      { id: "wide", label: "θ unit [0.75, 0.75]", unit: [0.75, 0.75] },
    ],
    budgets: { small: { ...SMALL, sims: 1000, sbcPairs: 100, gridPoints: 3, predictiveSims: 10 }, paper: PAPER },
  },
  erp: {
    name: "erp",
    simulator: (dtMs) => hnnErpSimulator({ dtMs }),
    dtMs: 0.5,
    description: "ERP: three evoked drives; θ = four local weights (log10-uniform)",
    summary: "pca30",
    noise: 1e-4,
    observations: [
      { id: "a", label: "θ unit [0.65, 0.95, 0.65, 0.5]", unit: [0.65, 0.95, 0.65, 0.5] },
      { id: "b", label: "θ unit [0.15, 0.25, 0.45, 0.65]", unit: [0.15, 0.25, 0.45, 0.65] },
    ],
    budgets: { small: { ...SMALL, sims: 1000, sbcPairs: 100, gridPoints: 2, predictiveSims: 10 }, paper: PAPER },
  },
};
