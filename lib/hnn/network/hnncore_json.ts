/**
 * Import a network saved by hnn-core (`Network.write_configuration` JSON: grid size, connectivity, external drives,
 * tonic biases) as a neurosbi network spec, so users can bring the networks they built in hnn-core.
 */
import {
  CELL_TYPES,
  type CellType,
  type ConnectionSpec,
  type DriveSpec,
  type Location,
  LOCATIONS,
  type NetworkSpec,
  type Receptor,
  RECEPTORS,
  type TonicBiasSpec,
} from "../spec/types.ts";

interface HnnCoreConnection {
  src_type: string;
  target_type: string;
  loc: string;
  receptor: string;
  nc_dict: { A_weight: number; A_delay: number; lamtha: number; gain?: number };
  allow_autapses?: number | boolean;
  probability?: number;
}

interface HnnCoreDrive {
  type: string;
  location: string;
  n_drive_cells: number | "n_cells";
  cell_specific: boolean;
  event_seed: number;
  dynamics: Record<string, number | null | Record<string, number>>;
  weights_ampa?: Record<string, number>;
  weights_nmda?: Record<string, number>;
  synaptic_delays?: Record<string, number> | number;
  space_constant?: number;
  probability?: number;
}

interface HnnCoreNetwork {
  N_pyr_x: number;
  N_pyr_y: number;
  celsius?: number;
  threshold?: number;
  connectivity: HnnCoreConnection[];
  external_drives: Record<string, HnnCoreDrive>;
  external_biases?: {
    tonic?: Record<string, { amplitude: number; t0: number; tstop: number | null; section?: string }>;
  };
}

function cellType(name: string, where: string): CellType {
  if (!(CELL_TYPES as readonly string[]).includes(name)) throw new Error(`${where}: unknown cell type ${name}`);
  return name as CellType;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], where: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${where}: ${value} is not one of ${allowed.join(", ")}`);
  }
  return value as T;
}

/** hnn-core's defaults for drives saved without a space constant: 3 for evoked, 100 otherwise. */
function spaceConstant(d: HnnCoreDrive): number {
  return d.space_constant ?? (d.type === "evoked" ? 3 : 100);
}

function drive(name: string, d: HnnCoreDrive): DriveSpec {
  if ((d.probability ?? 1) !== 1) throw new Error(`drive ${name}: connection probability < 1 is not supported`);
  const common = {
    name,
    location: oneOf(d.location, LOCATIONS, `drive ${name}`) as Location,
    weights_ampa: d.weights_ampa,
    weights_nmda: d.weights_nmda,
    synaptic_delays: d.synaptic_delays,
    space_constant: spaceConstant(d),
    cell_specific: d.cell_specific,
    event_seed: d.event_seed,
    ...(d.cell_specific || d.n_drive_cells === "n_cells" ? {} : { n_drive_cells: d.n_drive_cells }),
  };
  const dyn = d.dynamics as Record<string, number | null | undefined>;
  const optional = (key: string) => (dyn[key] === null || dyn[key] === undefined ? {} : { [key]: dyn[key] as number });
  switch (d.type) {
    case "evoked":
    case "gaussian":
      return { ...common, type: "evoked", mu: dyn.mu!, sigma: dyn.sigma!, numspikes: dyn.numspikes! };
    case "poisson":
      return {
        ...common,
        type: "poisson",
        ...optional("tstart"),
        ...optional("tstop"),
        rate_constant: d.dynamics.rate_constant as number | Record<string, number>,
      };
    case "bursty":
      return {
        ...common,
        type: "bursty",
        ...optional("tstart"),
        ...optional("tstart_std"),
        ...optional("tstop"),
        burst_rate: dyn.burst_rate!,
        ...optional("burst_std"),
        ...optional("numspikes"),
        ...optional("spike_isi"),
      };
    default:
      throw new Error(`drive ${name}: unsupported drive type ${d.type}`);
  }
}

/** A spec (dt and tstop chosen by the caller) equivalent to the hnn-core network JSON `input`. */
export function specFromHnnCoreJson(input: unknown, dtMs: number, tstopMs: number): NetworkSpec {
  const net = input as HnnCoreNetwork;
  if (typeof net !== "object" || net === null || !Array.isArray(net.connectivity) || !net.external_drives) {
    throw new Error("not an hnn-core network configuration (needs connectivity and external_drives)");
  }
  const drives = Object.entries(net.external_drives).map(([name, d]) => drive(name, d));
  const driveNames = new Set(drives.map((d) => d.name));
  const connections: ConnectionSpec[] = net.connectivity
    .filter((c) => !driveNames.has(c.src_type))
    .map((c, i) => {
      const where = `connectivity[${i}]`;
      if ((c.probability ?? 1) !== 1) throw new Error(`${where}: connection probability < 1 is not supported`);
      return {
        source: cellType(c.src_type, where),
        target: cellType(c.target_type, where),
        location: oneOf(c.loc, LOCATIONS, where) as Location,
        receptor: oneOf(c.receptor, RECEPTORS, where) as Receptor,
        weight_uS: c.nc_dict.A_weight * (c.nc_dict.gain ?? 1),
        delay_ms: c.nc_dict.A_delay,
        lamtha: c.nc_dict.lamtha,
        allow_autapses: Boolean(c.allow_autapses ?? true),
      };
    });
  const tonic_biases: Partial<Record<CellType, TonicBiasSpec>> = {};
  for (const [type, b] of Object.entries(net.external_biases?.tonic ?? {})) {
    if ((b.section ?? "soma") !== "soma") throw new Error(`tonic bias of ${type}: only somatic biases are supported`);
    if (b.amplitude === 0) continue;
    tonic_biases[cellType(type, "external_biases")] = {
      amplitude_nA: b.amplitude,
      t0_ms: b.t0,
      ...(b.tstop === null ? {} : { tstop_ms: b.tstop }),
    };
  }
  return {
    mesh_shape: [net.N_pyr_x, net.N_pyr_y],
    dt_ms: dtMs,
    tstop_ms: tstopMs,
    celsius: net.celsius ?? 37,
    threshold_mV: net.threshold ?? 0,
    tonic_biases,
    connections,
    drives,
  };
}
