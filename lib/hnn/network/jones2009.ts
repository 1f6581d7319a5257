/**
 * hnn-core's `jones_2009_model` (= `neymotin_2020_model`) connectivity and the drive sets of the canonical ERP
 * example and of the seed paper's ERP and beta-event experiments.
 */
import type { BurstyDriveSpec, CellType, ConnectionSpec, EvokedDriveSpec, Location, Receptor } from "../spec/types.ts";

function rule(
  source: CellType,
  target: CellType,
  location: Location,
  receptor: Receptor,
  weight_uS: number,
  lamtha: number,
  allow_autapses = true,
): ConnectionSpec {
  return { source, target, location, receptor, weight_uS, delay_ms: 1, lamtha, allow_autapses };
}

/** The 16 local rules in hnn-core's order (weights from `param/default.json`). */
export function jones2009Connections(): ConnectionSpec[] {
  return [
    rule("L2_pyramidal", "L2_pyramidal", "proximal", "nmda", 0.0005, 3, false),
    rule("L2_pyramidal", "L2_pyramidal", "proximal", "ampa", 0.0005, 3, false),
    rule("L5_pyramidal", "L5_pyramidal", "proximal", "nmda", 0.0005, 3, false),
    rule("L5_pyramidal", "L5_pyramidal", "proximal", "ampa", 0.0005, 3, false),
    rule("L2_basket", "L2_pyramidal", "soma", "gabaa", 0.05, 50),
    rule("L2_basket", "L2_pyramidal", "soma", "gabab", 0.05, 50),
    rule("L5_basket", "L5_pyramidal", "soma", "gabaa", 0.025, 70),
    rule("L5_basket", "L5_pyramidal", "soma", "gabab", 0.025, 70),
    rule("L2_pyramidal", "L5_pyramidal", "proximal", "ampa", 0.00025, 3),
    rule("L2_pyramidal", "L5_pyramidal", "distal", "ampa", 0.00025, 3),
    rule("L2_basket", "L5_pyramidal", "distal", "gabaa", 0.001, 50),
    rule("L2_pyramidal", "L2_basket", "soma", "ampa", 0.0005, 3),
    rule("L2_basket", "L2_basket", "soma", "gabaa", 0.02, 20),
    rule("L5_basket", "L5_basket", "soma", "gabaa", 0.02, 20, false),
    rule("L5_pyramidal", "L5_basket", "soma", "ampa", 0.0005, 3),
    rule("L2_pyramidal", "L5_basket", "soma", "ampa", 0.00025, 3),
  ];
}

/** Indices in `jones2009Connections()` of the four local weights the seed paper's ERP prior varies. */
export const PAPER_ERP_RULES = { dist_inh: 10, prox_inh: 6, dist_exc: 9, prox_exc: 3 } as const;

/** `add_erp_drives_to_jones_model`: three evoked drives (distal at 63.53 ms, proximal at 26.61 and 137.12 ms). */
export function erpDrives(options: { cellSpecific?: boolean; eventSeeds?: [number, number, number] } = {}) {
  const cellSpecific = options.cellSpecific ?? true;
  const [s1, s2, s3] = options.eventSeeds ?? [274, 544, 814];
  const common = { type: "evoked" as const, numspikes: 1, cell_specific: cellSpecific, n_drive_cells: 1 };
  const proxDelays = { L2_basket: 0.1, L2_pyramidal: 0.1, L5_basket: 1, L5_pyramidal: 1 };
  const drives: EvokedDriveSpec[] = [
    {
      ...common,
      name: "evdist1",
      mu: 63.53,
      sigma: 3.85,
      location: "distal",
      weights_ampa: { L2_basket: 0.006562, L2_pyramidal: 7e-6, L5_pyramidal: 0.1423 },
      weights_nmda: { L2_basket: 0.019482, L2_pyramidal: 0.004317, L5_pyramidal: 0.080074 },
      synaptic_delays: 0.1,
      event_seed: s1,
    },
    {
      ...common,
      name: "evprox1",
      mu: 26.61,
      sigma: 2.47,
      location: "proximal",
      weights_ampa: { L2_basket: 0.08831, L2_pyramidal: 0.01525, L5_basket: 0.19934, L5_pyramidal: 0.00865 },
      synaptic_delays: proxDelays,
      event_seed: s2,
    },
    {
      ...common,
      name: "evprox2",
      mu: 137.12,
      sigma: 8.33,
      location: "proximal",
      weights_ampa: { L2_basket: 3e-6, L2_pyramidal: 1.43884, L5_basket: 0.008958, L5_pyramidal: 0.684013 },
      synaptic_delays: proxDelays,
      event_seed: s3,
    },
  ];
  return drives;
}

/** The seed paper's beta event: two bursty drives of 10 cells, 2 spikes 10 ms apart from 200 ms, spreads θ. */
export function paperBetaDrives(distVarMs: number, proxVarMs: number): BurstyDriveSpec[] {
  const common = {
    type: "bursty" as const,
    tstart: 200,
    burst_rate: 1,
    numspikes: 2,
    spike_isi: 10,
    n_drive_cells: 10,
    cell_specific: false,
    synaptic_delays: 0,
    space_constant: 100,
  };
  return [
    {
      ...common,
      name: "beta_dist",
      location: "distal",
      event_seed: 11,
      burst_std: distVarMs,
      weights_ampa: { L2_basket: 8e-5, L2_pyramidal: 4e-5, L5_pyramidal: 2e-5 },
    },
    {
      ...common,
      name: "beta_prox",
      location: "proximal",
      event_seed: 22,
      burst_std: proxVarMs,
      weights_ampa: { L2_basket: 4e-5, L2_pyramidal: 2e-5, L5_basket: 4e-5, L5_pyramidal: 2e-5 },
    },
  ];
}
