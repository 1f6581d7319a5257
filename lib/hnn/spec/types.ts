/**
 * The HNN network spec: plain JSON that users write, store and send, validated once at the boundary.
 * Like hnn-core's `Network`, it describes what to simulate; `compile.ts` turns it into GPU arrays.
 * Documented field by field in docs/hnn-spec.md.
 */

import type { ConnectionSpec } from "../network/connections.ts";
import type { DriveSpec } from "../network/drives.ts";
import { type NetworkParameter, validateConnections, validateDrives, validateParameters } from "./validate.ts";

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

export class SpecError extends Error {
  override name = "SpecError";
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function finite(x: unknown, path: string, check: (v: number) => boolean, rule: string): number {
  if (typeof x !== "number" || !Number.isFinite(x) || !check(x)) {
    throw new SpecError(`${path} must be ${rule}, got ${JSON.stringify(x)}`);
  }
  return x;
}

function noExtraKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new SpecError(`${path}: unknown field "${k}" (allowed: ${allowed.join(", ")})`);
  }
}

/** Check untrusted JSON and return a spec with defaults filled in; throws SpecError naming the bad field. */
export function validateSpec(input: unknown): ResolvedSpec {
  if (!isRecord(input)) throw new SpecError("spec must be a JSON object");
  noExtraKeys(input, [
    "mesh_shape",
    "dt_ms",
    "tstop_ms",
    "celsius",
    "threshold_mV",
    "tonic_biases",
    "drives",
    "connections",
    "parameters",
  ], "spec");
  const mesh = input.mesh_shape;
  if (!Array.isArray(mesh) || mesh.length !== 2) throw new SpecError("mesh_shape must be [n_x, n_y]");
  const meshShape = mesh.map((n, i) =>
    finite(n, `mesh_shape[${i}]`, (v) => Number.isInteger(v) && v >= 1, "a positive integer")
  ) as [number, number];
  const dt = finite(input.dt_ms, "dt_ms", (v) => v > 0 && v <= 1, "a number in (0, 1]");
  const tstop = finite(input.tstop_ms, "tstop_ms", (v) => v >= dt, "a number of at least dt_ms");
  const celsius = finite(input.celsius ?? 37, "celsius", (v) => v > -273.15 && v < 100, "a temperature in °C");
  const threshold = finite(input.threshold_mV ?? 0, "threshold_mV", () => true, "a number");
  const biases: ResolvedSpec["tonic_biases"] = {};
  const rawBiases = input.tonic_biases ?? {};
  if (!isRecord(rawBiases)) throw new SpecError("tonic_biases must map cell types to biases");
  for (const [type, raw] of Object.entries(rawBiases)) {
    const path = `tonic_biases.${type}`;
    if (!(CELL_TYPES as readonly string[]).includes(type)) {
      throw new SpecError(`${path}: unknown cell type (known: ${CELL_TYPES.join(", ")})`);
    }
    if (!isRecord(raw)) throw new SpecError(`${path} must be an object`);
    noExtraKeys(raw, ["amplitude_nA", "t0_ms", "tstop_ms"], path);
    const amplitude = finite(raw.amplitude_nA, `${path}.amplitude_nA`, () => true, "a number");
    const t0 = finite(raw.t0_ms, `${path}.t0_ms`, (v) => v >= 0, "a non-negative number");
    const t1 = finite(raw.tstop_ms ?? tstop, `${path}.tstop_ms`, (v) => v >= t0, "a number of at least t0_ms");
    biases[type as CellType] = { amplitude_nA: amplitude, t0_ms: t0, tstop_ms: t1 };
  }
  const connections = validateConnections(input.connections);
  const drives = validateDrives(input.drives);
  return {
    mesh_shape: meshShape,
    dt_ms: dt,
    tstop_ms: tstop,
    celsius,
    threshold_mV: threshold,
    tonic_biases: biases,
    connections,
    drives,
    parameters: validateParameters(input.parameters, connections, drives),
  };
}

/** network.py::_create_cell_coords: cells of each type, in gid order, for a mesh. */
export function cellCounts(meshShape: [number, number]): Record<CellType, number> {
  const [nx, ny] = meshShape;
  // Baskets sit at x ≡ 0 (mod 3), y even and x ≡ 1 (mod 3), y odd.
  const count = (x0: number, y0: number) => Math.ceil((nx - x0) / 3) * Math.max(0, Math.ceil((ny - y0) / 2));
  const baskets = count(0, 0) + (nx > 1 ? count(1, 1) : 0);
  return { L2_basket: baskets, L2_pyramidal: nx * ny, L5_basket: baskets, L5_pyramidal: nx * ny };
}
