/**
 * Legacy HNN parameter files (hnn-core's `read_params`: the HNN GUI's `.param` text and flat `.json`) as a neurosbi
 * network spec: `jones_2009_model` with the file's local weights, its evoked drives drawn as hnn-core draws them in
 * legacy mode, and its somatic tonic biases.
 */
import {
  CELL_TYPES,
  type CellType,
  type EvokedDriveSpec,
  type NetworkSpec,
  type TonicBiasSpec,
} from "../spec/types.ts";
import { jones2009Connections } from "./jones2009.ts";
import { cellLayout } from "./positions.ts";

export type LegacyParams = Record<string, number | string | boolean>;

/** HNN's short cell names, as parameter keys spell them. */
const SHORT: Record<CellType, string> = {
  L2_basket: "L2Basket",
  L2_pyramidal: "L2Pyr",
  L5_basket: "L5Basket",
  L5_pyramidal: "L5Pyr",
};

/** The parameter key setting the weight of each of `jones2009Connections()`'s rules, in order. */
const RULE_KEYS = [
  "gbar_L2Pyr_L2Pyr_nmda",
  "gbar_L2Pyr_L2Pyr_ampa",
  "gbar_L5Pyr_L5Pyr_nmda",
  "gbar_L5Pyr_L5Pyr_ampa",
  "gbar_L2Basket_L2Pyr_gabaa",
  "gbar_L2Basket_L2Pyr_gabab",
  "gbar_L5Basket_L5Pyr_gabaa",
  "gbar_L5Basket_L5Pyr_gabab",
  "gbar_L2Pyr_L5Pyr",
  "gbar_L2Pyr_L5Pyr",
  "gbar_L2Basket_L5Pyr",
  "gbar_L2Pyr_L2Basket",
  "gbar_L2Basket_L2Basket",
  "gbar_L5Basket_L5Basket",
  "gbar_L5Pyr_L5Basket",
  "gbar_L2Pyr_L5Basket",
];

/** Parse a `.param` file: one `key: value` per line; blank lines and `#` comments are skipped. */
export function parseParamText(text: string): LegacyParams {
  const out: LegacyParams = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const body = line.replace(/#.*/, "").trim();
    if (body === "") return;
    const colon = body.indexOf(":");
    if (colon <= 0) throw new Error(`line ${i + 1}: expected "key: value", got ${JSON.stringify(line.trim())}`);
    const key = body.slice(0, colon).trim(), raw = body.slice(colon + 1).trim();
    const lower = raw.toLowerCase();
    const value = lower === "true"
      ? true
      : lower === "false"
      ? false
      : raw !== "" && Number.isFinite(Number(raw))
      ? Number(raw)
      : raw;
    out[key] = value;
  });
  return out;
}

/** Whether a parsed JSON object looks like a legacy HNN parameter file (flat keys such as `N_pyr_x`, `tstop`). */
export function isLegacyParams(input: unknown): input is LegacyParams {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
  const o = input as Record<string, unknown>;
  return "tstop" in o && ("N_pyr_x" in o || Object.keys(o).some((k) => k.startsWith("gbar_")));
}

function number(p: LegacyParams, key: string, fallback?: number, check = (_v: number) => true, rule = "a number") {
  const v = p[key];
  if (v === undefined) {
    if (fallback === undefined) throw new Error(`${key} is missing`);
    return fallback;
  }
  if (typeof v === "boolean") return Number(v);
  if (typeof v !== "number" || !Number.isFinite(v) || !check(v)) {
    throw new Error(`${key} must be ${rule}, got ${JSON.stringify(v)}`);
  }
  return v;
}

const positive = (v: number) => v > 0;

/** Names of the file's evoked drives (`t_evprox_1`, `t_evdist_1`, …) in hnn-core's order: sorted by drive name. */
function evokedNames(p: LegacyParams): { name: string; key: string }[] {
  return Object.keys(p)
    .map((k) => /^t_(evprox|evdist)_(\d+)$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: `${m[1]}${m[2]}`, key: `${m[1]}_${m[2]}` }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The first key of `keys` whose value is a positive weight, if any. */
function activeWeight(p: LegacyParams, keys: string[]): string | undefined {
  return keys.find((k) => typeof p[k] === "number" && (p[k] as number) > 0);
}

/** Reject the drives this reader does not build (rhythmic, Poisson, Gaussian) when the file switches them on. */
function checkInactiveDrives(p: LegacyParams, tstop: number): void {
  const types = CELL_TYPES.map((t) => SHORT[t]);
  for (const side of ["prox", "dist"]) {
    const key = activeWeight(
      p,
      types.flatMap((t) => [`input_${side}_A_weight_${t}_ampa`, `input_${side}_A_weight_${t}_nmda`]),
    );
    if (key !== undefined && number(p, `t0_input_${side}`, 0) < tstop) {
      throw new Error(`${key}: rhythmic (bursty) drives from parameter files are not supported; set it to 0`);
    }
  }
  const pois = activeWeight(p, types.flatMap((t) => [`${t}_Pois_A_weight_ampa`, `${t}_Pois_A_weight_nmda`]));
  if (pois !== undefined) {
    throw new Error(`${pois}: Poisson drives from parameter files are not supported; set it to 0`);
  }
  const gauss = activeWeight(p, types.flatMap((t) => [`${t}_Gauss_A_weight`, `${t}_Gauss_A_weight_ampa`]));
  if (gauss !== undefined) {
    throw new Error(`${gauss}: Gaussian (extgauss) drives from parameter files are not supported; set it to 0`);
  }
  if (p.sync_evinput === true || p.sync_evinput === 1) {
    throw new Error("sync_evinput: synchronous evoked inputs are not supported; set it to 0");
  }
  if (number(p, "inc_evinput", 0) !== 0) {
    throw new Error("inc_evinput: per-trial increments are not supported; set it to 0");
  }
}

/**
 * The evoked drives of the file. hnn-core's legacy mode gives each a drive cell per network cell and seeds drive cell
 * k with prng_seedcore + (its first gid in HNN's numbering) + k, HNN numbering the network's cells, then one cell per
 * rhythmic input (proximal, distal), then the evoked drives in name order.
 */
function evokedDrives(p: LegacyParams, cells: number): EvokedDriveSpec[] {
  const drives: EvokedDriveSpec[] = [];
  evokedNames(p).forEach(({ name, key }, k) => {
    const proximal = name.startsWith("evprox");
    const targets = proximal ? CELL_TYPES : CELL_TYPES.filter((t) => t !== "L5_basket");
    const weights = (receptor: "ampa" | "nmda") => {
      const out: Partial<Record<CellType, number>> = {};
      for (const t of targets) {
        const base = `gbar_${key}_${SHORT[t]}`;
        const fallback = p[base] === undefined ? 0 : number(p, base, 0, (v) => v >= 0, "a non-negative weight (µS)");
        const w = number(p, `${base}_${receptor}`, fallback, (v) => v >= 0, "a non-negative weight (µS)");
        if (w > 0) out[t] = w;
      }
      return out;
    };
    const ampa = weights("ampa"), nmda = weights("nmda");
    const seedcore = number(
      p,
      `prng_seedcore_${key}`,
      2,
      (v) => Number.isInteger(v) && v >= 0,
      "a non-negative integer",
    );
    const mu = number(p, `t_${key}`);
    const sigma = number(p, `sigma_t_${key}`, 0, (v) => v >= 0, "a non-negative number (ms)");
    const numspikes = number(p, `numspikes_${key}`, 1, (v) => Number.isInteger(v) && v >= 1, "a positive integer");
    if (Object.keys({ ...ampa, ...nmda }).length === 0) return;
    drives.push({
      type: "evoked",
      name,
      location: proximal ? "proximal" : "distal",
      mu,
      sigma,
      numspikes,
      weights_ampa: ampa,
      weights_nmda: nmda,
      synaptic_delays: proximal ? { L2_basket: 0.1, L2_pyramidal: 0.1, L5_basket: 1, L5_pyramidal: 1 } : 0.1,
      space_constant: 3,
      cell_specific: true,
      legacy_mode: true,
      event_seed: seedcore + cells + 2 + k * cells,
    });
  });
  return drives;
}

function tonicBiases(p: LegacyParams): Partial<Record<CellType, TonicBiasSpec>> {
  const out: Partial<Record<CellType, TonicBiasSpec>> = {};
  for (const t of CELL_TYPES) {
    const suffix = `${SHORT[t]}_soma`;
    const amplitude = number(p, `Itonic_A_${suffix}`, 0);
    if (amplitude === 0) continue;
    const t0 = number(p, `Itonic_t0_${suffix}`, 0, (v) => v >= 0, "a non-negative time (ms)");
    const stop = number(p, `Itonic_T_${suffix}`, -1);
    out[t] = { amplitude_nA: amplitude, t0_ms: t0, ...(stop < 0 ? {} : { tstop_ms: stop }) };
  }
  return out;
}

/**
 * The network a legacy parameter file describes (dt and tstop from the file unless given). Cell morphology and
 * channel parameters are hnn-core's defaults whatever the file says.
 */
export function specFromLegacyParams(p: LegacyParams, options: { dtMs?: number; tstopMs?: number } = {}): NetworkSpec {
  const tstop = options.tstopMs ?? number(p, "tstop", undefined, positive, "a positive time (ms)");
  const dt = options.dtMs ?? number(p, "dt", 0.025, positive, "a positive time step (ms)");
  const nx = number(p, "N_pyr_x", 10, (v) => Number.isInteger(v) && v >= 1, "a positive integer");
  const ny = number(p, "N_pyr_y", 10, (v) => Number.isInteger(v) && v >= 1, "a positive integer");
  checkInactiveDrives(p, tstop);
  const connections = jones2009Connections().map((c, i) => ({
    ...c,
    weight_uS: number(p, RULE_KEYS[i], c.weight_uS, (v) => v >= 0, "a non-negative weight (µS)"),
  }));
  return {
    mesh_shape: [nx, ny],
    dt_ms: dt,
    tstop_ms: tstop,
    celsius: number(p, "celsius", 37),
    threshold_mV: number(p, "threshold", 0),
    tonic_biases: tonicBiases(p),
    connections,
    drives: evokedDrives(p, cellLayout([nx, ny]).cells),
  };
}
