/**
 * The HNN network spec's types: plain JSON that users write, store and send, checked once at the boundary by
 * `validate.ts`. Like hnn-core's `Network`, it describes what to simulate; `lowering/compile.ts` turns it into GPU
 * arrays. Documented field by field in docs/hnn-spec.md.
 */

import type { Scale } from "../../prior/schema.ts";

/** hnn-core's cell types, in its gid order. */
export const CELL_TYPES = ["L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"] as const;
export type CellType = typeof CELL_TYPES[number];

/** hnn-core's `add_tonic_bias`: an IClamp at the soma's centre, `amplitude_nA` from t0 to tstop. */
export interface TonicBiasSpec {
  amplitude_nA: number;
  t0_ms: number;
  /** Defaults to the simulation's tstop. */
  tstop_ms?: number;
}

export interface NetworkSpec {
  /** Pyramidal grid (hnn-core's mesh_shape); basket counts follow hnn-core's placement rule. */
  mesh_shape: [number, number];
  /** Integration step, ms (hnn-core: 0.025). */
  dt_ms: number;
  /** Simulated time, ms. */
  tstop_ms: number;
  /** Temperature, °C (hnn-core: 37). */
  celsius?: number;
  /** Somatic spike threshold, mV (hnn-core: 0). */
  threshold_mV?: number;
  /** Tonic somatic current per cell type. */
  tonic_biases?: Partial<Record<CellType, TonicBiasSpec>>;
  /** Cell-to-cell connection rules (all-to-all, hnn-core's distance-dependent weight and delay). */
  connections?: ConnectionSpec[];
  /** External drives: artificial cells whose spikes are synaptic events. */
  drives?: DriveSpec[];
  /** The parameters θ of a batch: each sets rule weights or drive fields per network. */
  parameters?: NetworkParameter[];
}

/** A spec with every default filled in. */
export type ResolvedSpec = Required<Omit<NetworkSpec, "tonic_biases">> & {
  tonic_biases: Partial<Record<CellType, Required<TonicBiasSpec>>>;
};

export const RECEPTORS = ["ampa", "nmda", "gabaa", "gabab"] as const;
export type Receptor = typeof RECEPTORS[number];
export const LOCATIONS = ["proximal", "distal", "soma"] as const;
export type Location = typeof LOCATIONS[number];

/** Where and how strongly a source's spikes act on every cell of a target type. */
export interface SynapticTarget {
  target: CellType;
  location: Location;
  receptor: Receptor;
  /** A_weight, µS at zero distance. */
  weight_uS: number;
  /** A_delay, ms at zero distance. */
  delay_ms: number;
  /** Space constant λ of the Gaussian fall-off, in grid units. */
  lamtha: number;
}

export interface ConnectionSpec extends SynapticTarget {
  source: CellType;
  /** Whether a cell connects to itself when source and target types agree (hnn-core's default: true). */
  allow_autapses?: boolean;
}

interface DriveCommon {
  name: string;
  location: Location;
  /** AMPA weight (µS at zero distance) per target type; a target type is one named here or in `weights_nmda`. */
  weights_ampa?: Partial<Record<CellType, number>>;
  weights_nmda?: Partial<Record<CellType, number>>;
  /** Synaptic delay (ms at zero distance), one for all targets or per target type; hnn-core's default 0.1. */
  synaptic_delays?: number | Partial<Record<CellType, number>>;
  /** λ of the distance fall-off: hnn-core's default is 3 for evoked drives, 100 otherwise. */
  space_constant?: number;
  /** One drive cell per target cell (evoked, Poisson default) or `n_drive_cells` feeding every target (bursty). */
  cell_specific?: boolean;
  n_drive_cells?: number;
  /** Seed of the drive's event times; each drive cell adds its offset (hnn-core's default 2). */
  event_seed?: number;
  /**
   * hnn-core's `legacy_mode`: a cell-specific drive has a drive cell for every cell of the network, targeted or not,
   * so the event seeds of the targeted cells are those of HNN's parameter files.
   */
  legacy_mode?: boolean;
}

export interface EvokedDriveSpec extends DriveCommon {
  type: "evoked";
  mu: number;
  sigma: number;
  numspikes: number;
}

export interface PoissonDriveSpec extends DriveCommon {
  type: "poisson";
  tstart?: number;
  tstop?: number;
  /** Hz, one for all targets or per target type. */
  rate_constant: number | Partial<Record<CellType, number>>;
}

export interface BurstyDriveSpec extends DriveCommon {
  type: "bursty";
  tstart?: number;
  tstart_std?: number;
  tstop?: number;
  burst_rate: number;
  burst_std?: number;
  numspikes?: number;
  spike_isi?: number;
}

/** Given spike trains, one per drive cell (e.g. recorded, or a fixture's drive spikes). */
export interface ReplayDriveSpec extends DriveCommon {
  type: "replay";
  spike_times_ms: number[][];
}

export type DriveSpec = EvokedDriveSpec | PoissonDriveSpec | BurstyDriveSpec | ReplayDriveSpec;

/** Drive fields a parameter may set (numbers that change event times, not the drive's structure). */
export const DRIVE_TIMING_FIELDS = [
  "mu",
  "sigma",
  "tstart",
  "tstart_std",
  "tstop",
  "burst_rate",
  "burst_std",
  "spike_isi",
  "rate_constant",
] as const;
export type DriveTimingField = typeof DRIVE_TIMING_FIELDS[number];

/** What one component of θ sets. */
export type ParameterTarget =
  /** The weight (µS at zero distance) of connection rule `connection` (index into `connections`), θ · factor. */
  | { connection: number; factor?: number }
  /** A timing field of the named drive, set to θ + offset (e.g. a latency after a fixed time). */
  | { drive: string; field: DriveTimingField; offset?: number }
  /**
   * The named drive's AMPA or NMDA weight onto one target type, θ · factor: with factor = a default weight, θ is a
   * gain that scales several weights together and keeps their ratios.
   */
  | { drive: string; weight: "ampa" | "nmda"; target: CellType; factor?: number };

/** A parameter's prior: uniform between its bounds on its scale (lib/prior/), in the units of what it sets. */
export interface ParameterPrior {
  low: number;
  high: number;
  scale: Scale;
  unit?: string;
}

export interface NetworkParameter extends Partial<ParameterPrior> {
  name: string;
  /** Every field this parameter sets (usually one). */
  sets: ParameterTarget[];
}
