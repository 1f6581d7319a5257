/**
 * Checks a spec (`types.ts`) once, at the boundary: its grid and timing, tonic biases, connection rules, drives, and
 * the parameters (θ) that set their fields per network. Documented in docs/hnn-spec.md.
 */
import { Prior } from "../../prior/prior.ts";
import { boundsProblem, type BoxParameter } from "../../prior/schema.ts";
import {
  CELL_TYPES,
  type CellType,
  type ConnectionSpec,
  DRIVE_TIMING_FIELDS,
  type DriveSpec,
  LOCATIONS,
  type NetworkParameter,
  type ParameterPrior,
  type ParameterTarget,
  RECEPTORS,
  type ResolvedSpec,
} from "./types.ts";

export class SpecError extends Error {
  override name = "SpecError";
}

/** The prior of a spec whose parameters all give their bounds; throws naming the first that does not. */
export function specPrior(parameters: NetworkParameter[], where = "parameters"): Prior {
  if (parameters.length === 0) throw new SpecError(`${where}: the spec declares no parameters to draw`);
  return new Prior(parameters.map((p, i): BoxParameter => {
    if (p.low === undefined || p.high === undefined) {
      throw new SpecError(`${where}[${i}] (${p.name}): no prior: give low and high (and scale, unit)`);
    }
    return { name: p.name, low: p.low, high: p.high, scale: p.scale ?? "linear", ...(p.unit ? { unit: p.unit } : {}) };
  }));
}

/** The optional prior fields of one parameter entry, checked. */
function parameterPrior(raw: Record<string, unknown>, path: string): Partial<ParameterPrior> {
  if (raw.low === undefined && raw.high === undefined) {
    for (const k of ["scale", "unit"]) if (raw[k] !== undefined) throw new SpecError(`${path}.${k} needs low and high`);
    return {};
  }
  const low = num(raw.low, `${path}.low`), high = num(raw.high, `${path}.high`);
  const scale = raw.scale === undefined ? "linear" : oneOf(raw.scale, ["linear", "log10"] as const, `${path}.scale`);
  if (raw.unit !== undefined && typeof raw.unit !== "string") throw new SpecError(`${path}.unit must be a string`);
  const problem = boundsProblem(low, high, scale);
  if (problem) {
    throw new SpecError(`${path}.${scale === "log10" && low <= 0 && low < high ? "low" : "high"}: ${problem}`);
  }
  return { low, high, scale, ...(raw.unit ? { unit: raw.unit as string } : {}) };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function num(x: unknown, path: string, check: (v: number) => boolean = () => true, rule = "a finite number") {
  if (typeof x !== "number" || !Number.isFinite(x) || !check(x)) {
    throw new SpecError(`${path} must be ${rule}, got ${JSON.stringify(x)}`);
  }
  return x;
}

function oneOf<T extends string>(x: unknown, allowed: readonly T[], path: string): T {
  if (!allowed.includes(x as T)) throw new SpecError(`${path} must be one of ${allowed.join(", ")}`);
  return x as T;
}

function keys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new SpecError(`${path}: unknown field "${k}" (allowed: ${allowed.join(", ")})`);
  }
}

function list(x: unknown, path: string): unknown[] {
  if (x === undefined) return [];
  if (!Array.isArray(x)) throw new SpecError(`${path} must be an array`);
  return x;
}

export function validateConnections(input: unknown): ConnectionSpec[] {
  return list(input, "connections").map((raw, i) => {
    const path = `connections[${i}]`;
    if (!isRecord(raw)) throw new SpecError(`${path} must be an object`);
    keys(raw, [
      "source",
      "target",
      "location",
      "receptor",
      "weight_uS",
      "delay_ms",
      "lamtha",
      "allow_autapses",
    ], path);
    if (raw.allow_autapses !== undefined && typeof raw.allow_autapses !== "boolean") {
      throw new SpecError(`${path}.allow_autapses must be true or false`);
    }
    return {
      source: oneOf(raw.source, CELL_TYPES, `${path}.source`),
      target: oneOf(raw.target, CELL_TYPES, `${path}.target`),
      location: oneOf(raw.location, LOCATIONS, `${path}.location`),
      receptor: oneOf(raw.receptor, RECEPTORS, `${path}.receptor`),
      weight_uS: num(raw.weight_uS, `${path}.weight_uS`, (v) => v >= 0, "a non-negative number"),
      // Delays grow with distance from this value; a zero delay would leave no time to exchange spikes.
      delay_ms: num(raw.delay_ms ?? 1, `${path}.delay_ms`, (v) => v > 0, "a positive number"),
      lamtha: num(raw.lamtha, `${path}.lamtha`, (v) => v > 0, "a positive number"),
      allow_autapses: (raw.allow_autapses as boolean | undefined) ?? true,
    };
  });
}

const COMMON_DRIVE_KEYS = [
  "type",
  "name",
  "location",
  "weights_ampa",
  "weights_nmda",
  "synaptic_delays",
  "space_constant",
  "cell_specific",
  "n_drive_cells",
  "event_seed",
  "legacy_mode",
] as const;
const TYPE_KEYS: Record<DriveSpec["type"], readonly string[]> = {
  evoked: ["mu", "sigma", "numspikes"],
  poisson: ["tstart", "tstop", "rate_constant"],
  bursty: ["tstart", "tstart_std", "tstop", "burst_rate", "burst_std", "numspikes", "spike_isi"],
  replay: ["spike_times_ms"],
};

function perType(x: unknown, path: string, check: (v: number) => boolean, rule: string) {
  if (x === undefined) return undefined;
  if (typeof x === "number") return num(x, path, check, rule);
  if (!isRecord(x)) throw new SpecError(`${path} must be a number or map cell types to numbers`);
  const out: Partial<Record<CellType, number>> = {};
  for (const [type, v] of Object.entries(x)) {
    out[oneOf(type, CELL_TYPES, `${path} key`)] = num(v, `${path}.${type}`, check, rule);
  }
  return out;
}

export function validateDrives(input: unknown): DriveSpec[] {
  const names = new Set<string>();
  return list(input, "drives").map((raw, i) => {
    let path = `drives[${i}]`;
    if (!isRecord(raw)) throw new SpecError(`${path} must be an object`);
    const type = oneOf(raw.type, ["evoked", "poisson", "bursty", "replay"] as const, `${path}.type`);
    keys(raw, [...COMMON_DRIVE_KEYS, ...TYPE_KEYS[type]], path);
    if (typeof raw.name !== "string" || raw.name === "") throw new SpecError(`${path}.name must be a name`);
    if (names.has(raw.name)) throw new SpecError(`${path}: drive name "${raw.name}" is used twice`);
    names.add(raw.name);
    path = `drives.${raw.name}`;
    const nonNeg = (v: number) => v >= 0;
    const weights = (key: "weights_ampa" | "weights_nmda") => {
      const w = perType(raw[key], `${path}.${key}`, nonNeg, "non-negative (µS)");
      if (typeof w === "number") throw new SpecError(`${path}.${key} must map cell types to weights`);
      return w;
    };
    const ampa = weights("weights_ampa"), nmda = weights("weights_nmda");
    if (Object.keys({ ...ampa, ...nmda }).length === 0) throw new SpecError(`${path}: no target (weights_ampa/nmda)`);
    const location = oneOf(raw.location, LOCATIONS, `${path}.location`);
    if (location === "distal" && (ampa?.L5_basket !== undefined || nmda?.L5_basket !== undefined)) {
      throw new SpecError(`${path}: L5 baskets have no distal dendrites`);
    }
    for (const key of ["cell_specific", "legacy_mode"]) {
      if (raw[key] !== undefined && typeof raw[key] !== "boolean") {
        throw new SpecError(`${path}.${key} must be true or false`);
      }
    }
    const optional = (key: string, check = nonNeg, rule = "a non-negative number") =>
      raw[key] === undefined ? undefined : num(raw[key], `${path}.${key}`, check, rule);
    const integer = (v: number) => Number.isInteger(v) && v >= 1;
    const common = {
      name: raw.name,
      location,
      weights_ampa: ampa,
      weights_nmda: nmda,
      synaptic_delays: perType(raw.synaptic_delays, `${path}.synaptic_delays`, nonNeg, "non-negative (ms)"),
      space_constant: optional("space_constant", (v) => v > 0, "a positive number"),
      cell_specific: raw.cell_specific as boolean | undefined,
      n_drive_cells: optional("n_drive_cells", integer, "a positive integer"),
      event_seed: optional("event_seed", (v) => Number.isInteger(v) && v >= 0, "a non-negative integer"),
      ...(raw.legacy_mode === undefined ? {} : { legacy_mode: raw.legacy_mode as boolean }),
    };
    if (type === "evoked") {
      return {
        ...common,
        type,
        mu: num(raw.mu, `${path}.mu`),
        sigma: num(raw.sigma, `${path}.sigma`, nonNeg, "a non-negative number"),
        numspikes: num(raw.numspikes ?? 1, `${path}.numspikes`, integer, "a positive integer"),
      };
    }
    if (type === "poisson") {
      const rate = perType(raw.rate_constant, `${path}.rate_constant`, (v) => v > 0, "positive (Hz)");
      if (rate === undefined) throw new SpecError(`${path}.rate_constant is required`);
      return { ...common, type, tstart: optional("tstart"), tstop: optional("tstop"), rate_constant: rate };
    }
    if (type === "bursty") {
      return {
        ...common,
        type,
        tstart: optional("tstart"),
        tstart_std: optional("tstart_std"),
        tstop: optional("tstop"),
        burst_rate: num(raw.burst_rate, `${path}.burst_rate`, (v) => v > 0, "positive (Hz)"),
        burst_std: optional("burst_std"),
        numspikes: optional("numspikes", integer, "a positive integer"),
        spike_isi: optional("spike_isi"),
      };
    }
    const trains = list(raw.spike_times_ms, `${path}.spike_times_ms`).map((train, j) =>
      list(train, `${path}.spike_times_ms[${j}]`).map((t, k) => num(t, `${path}.spike_times_ms[${j}][${k}]`))
    );
    return { ...common, type, spike_times_ms: trains };
  });
}

/** A weight target's optional `factor` (θ · factor is the weight), checked. */
function weightFactor(t: Record<string, unknown>, where: string): { factor?: number } {
  if (t.factor === undefined) return {};
  return { factor: num(t.factor, `${where}.factor`, (v) => v > 0, "a positive number") };
}

export function validateParameters(
  input: unknown,
  connections: ConnectionSpec[],
  drives: DriveSpec[],
): NetworkParameter[] {
  const names = new Set<string>();
  return list(input, "parameters").map((raw, i) => {
    const path = `parameters[${i}]`;
    if (!isRecord(raw)) throw new SpecError(`${path} must be an object`);
    keys(raw, ["name", "sets", "low", "high", "scale", "unit"], path);
    if (typeof raw.name !== "string" || raw.name === "" || names.has(raw.name)) {
      throw new SpecError(`${path}.name must be a name not used before`);
    }
    names.add(raw.name);
    const sets = list(raw.sets, `${path}.sets`).map((t, j): ParameterTarget => {
      const where = `${path}.sets[${j}]`;
      if (!isRecord(t)) throw new SpecError(`${where} must be an object`);
      if (t.connection !== undefined) {
        keys(t, ["connection", "factor"], where);
        const index = num(t.connection, `${where}.connection`, (v) => Number.isInteger(v) && v >= 0, "an index");
        if (index >= connections.length) throw new SpecError(`${where}.connection: no connection ${index}`);
        return { connection: index, ...weightFactor(t, where) };
      }
      const drive = drives.find((d) => d.name === t.drive);
      if (!drive) throw new SpecError(`${where}.drive: no drive named ${JSON.stringify(t.drive)}`);
      if (t.field !== undefined) {
        keys(t, ["drive", "field", "offset"], where);
        const field = oneOf(t.field, DRIVE_TIMING_FIELDS, `${where}.field`);
        if (!TYPE_KEYS[drive.type].includes(field)) {
          throw new SpecError(`${where}: a ${drive.type} drive has no field ${field}`);
        }
        return t.offset === undefined
          ? { drive: drive.name, field }
          : { drive: drive.name, field, offset: num(t.offset, `${where}.offset`) };
      }
      keys(t, ["drive", "weight", "target", "factor"], where);
      const weight = oneOf(t.weight, ["ampa", "nmda"] as const, `${where}.weight`);
      const target = oneOf(t.target, CELL_TYPES, `${where}.target`);
      if (drive[`weights_${weight}`]?.[target] === undefined) {
        // Setting a weight the drive does not have would add NetCons: the structure is fixed at compile time.
        throw new SpecError(`${where}: drive ${drive.name} has no ${weight} weight onto ${target}`);
      }
      return { drive: drive.name, weight, target, ...weightFactor(t, where) };
    });
    if (sets.length === 0) throw new SpecError(`${path}.sets must name at least one field`);
    return { name: raw.name, sets, ...parameterPrior(raw, path) };
  });
}

/** Check untrusted JSON and return a spec with defaults filled in; throws SpecError naming the bad field. */
export function validateSpec(input: unknown): ResolvedSpec {
  if (!isRecord(input)) throw new SpecError("spec must be a JSON object");
  keys(input, [
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
    num(n, `mesh_shape[${i}]`, (v) => Number.isInteger(v) && v >= 1, "a positive integer")
  ) as [number, number];
  const dt = num(input.dt_ms, "dt_ms", (v) => v > 0 && v <= 1, "a number in (0, 1]");
  const tstop = num(input.tstop_ms, "tstop_ms", (v) => v >= dt, "a number of at least dt_ms");
  const celsius = num(input.celsius ?? 37, "celsius", (v) => v > -273.15 && v < 100, "a temperature in °C");
  const threshold = num(input.threshold_mV ?? 0, "threshold_mV", () => true, "a number");
  const biases: ResolvedSpec["tonic_biases"] = {};
  const rawBiases = input.tonic_biases ?? {};
  if (!isRecord(rawBiases)) throw new SpecError("tonic_biases must map cell types to biases");
  for (const [type, raw] of Object.entries(rawBiases)) {
    const path = `tonic_biases.${type}`;
    if (!(CELL_TYPES as readonly string[]).includes(type)) {
      throw new SpecError(`${path}: unknown cell type (known: ${CELL_TYPES.join(", ")})`);
    }
    if (!isRecord(raw)) throw new SpecError(`${path} must be an object`);
    keys(raw, ["amplitude_nA", "t0_ms", "tstop_ms"], path);
    const amplitude = num(raw.amplitude_nA, `${path}.amplitude_nA`, () => true, "a number");
    const t0 = num(raw.t0_ms, `${path}.t0_ms`, (v) => v >= 0, "a non-negative number");
    const t1 = num(raw.tstop_ms ?? tstop, `${path}.tstop_ms`, (v) => v >= t0, "a number of at least t0_ms");
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
