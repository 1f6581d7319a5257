/**
 * hnn-core's membrane mechanisms (hnn_core/mod/*.mod): rate functions, NMODL's rate lookup tables built as
 * nocmodl builds them, per-compartment biophysics of each cell type (params_default.py, cells_default.py),
 * and the physical constants NEURON uses with legacy units.
 */
import type { CellType } from "../spec/types.ts";
import type { TreeNode } from "./morphology.ts";

/** NEURON defaults and legacy-unit constants (membdef.h, eion.cpp, cad.mod). */
export const ION = {
  ena: 50,
  ek: -77,
  /** cat.mod's fixed reversal, mV. */
  eCat: 125,
  /** ar.mod's erev, mV. */
  eAr: -35,
  cao: 2,
  /** cad.mod's resting concentration, mM. */
  cainf: 1e-4,
  /** cad.mod: drive = -ica · 10000 / (2 · FARADAY · depth), FARADAY 96485.3 (legacy), depth 0.1 µm. */
  cadDrivePerIca: 10000 / (2 * 96485.3 * 0.1),
} as const;

/** eca = (ktf/2)·ln(cao/cai) with legacy R and F (eion.cpp 8.2.7). */
export function ktfHalf(celsius: number): number {
  return 0.5 * 1000 * 8.3134 * (celsius + 273.15) / 96485.309;
}

/** km, ca and kca's tadj = q10^((celsius − temp − tshift)/10) with q10 2.3, temp 23, tshift 30.7. */
export function tadjMainen(celsius: number): number {
  return Math.pow(2.3, (celsius - 23 - 30.7) / 10);
}

function vtrap(x: number, y: number): number {
  return Math.abs(x / y) < 1e-6 ? y * (1 - x / y / 2) : x / (Math.exp(x / y) - 1);
}

/** hh2.mod rates(v): minf, mtau, hinf, htau, ninf, ntau. */
function hh2Rates(v: number, celsius: number): number[] {
  const q10 = Math.pow(3, (celsius - 6.3 - 30.7) / 10);
  let alpha = 0.1 * vtrap(-(v + 40), 10), beta = 4 * Math.exp(-(v + 65) / 18), sum = alpha + beta;
  const mtau = 1 / (q10 * sum), minf = alpha / sum;
  alpha = 0.07 * Math.exp(-(v + 65) / 20);
  beta = 1 / (Math.exp(-(v + 35) / 10) + 1);
  sum = alpha + beta;
  const htau = 1 / (q10 * sum), hinf = alpha / sum;
  alpha = 0.01 * vtrap(-(v + 55), 10);
  beta = 0.125 * Math.exp(-(v + 65) / 80);
  sum = alpha + beta;
  return [minf, mtau, hinf, htau, alpha / sum, 1 / (q10 * sum)];
}

/** km.mod rates(v): ninf, ntau. */
function kmRates(v: number, celsius: number): number[] {
  const a = 0.001 * (v + 30) / (1 - Math.exp(-(v + 30) / 9));
  const b = -0.001 * (v + 30) / (1 - Math.exp((v + 30) / 9));
  const tadj = tadjMainen(celsius);
  return [a / (a + b), 1 / tadj / (a + b)];
}

/** ca.mod rates(v): minf, mtau, hinf, htau. */
function caRates(v: number, celsius: number): number[] {
  const tadj = tadjMainen(celsius);
  let a = 0.055 * (-27 - v) / (Math.exp((-27 - v) / 3.8) - 1), b = 0.94 * Math.exp((-75 - v) / 17);
  const mtau = 1 / tadj / (a + b), minf = a / (a + b);
  a = 0.000457 * Math.exp((-13 - v) / 50);
  b = 0.0065 / (Math.exp((-v - 15) / 28) + 1);
  return [minf, mtau, a / (a + b), 1 / tadj / (a + b)];
}

/** cat.mod settables(v) then ar.mod settables(v) (same table grid): cat minf, mtau, hinf, htau; ar minf, mtau. */
function catArRates(v: number): number[] {
  const minf = 1 / (1 + Math.exp((-v - 56) / 6.2));
  const mtau = 0.204 + 0.333 / (Math.exp((v + 15.8) / 18.2) + Math.exp((-v - 131) / 16.7));
  const hinf = 1 / (1 + Math.exp((v + 80) / 4));
  const htau = v < -81 ? 0.333 * Math.exp((v + 466) / 66.6) : 9.32 + 0.333 * Math.exp((-v - 21) / 10.5);
  const arMinf = 1 / (1 + Math.exp((v + 75) / 5.5));
  const arMtau = 1 / (Math.exp(-14.6 - 0.086 * v) + Math.exp(-1.87 + 0.07 * v));
  return [minf, mtau, hinf, htau, arMinf, arMtau];
}

/** One NMODL `TABLE … FROM vmin TO vmax WITH n`: n + 1 rows of `fields` values, row-major. */
export interface RateTable {
  vmin: number;
  vmax: number;
  n: number;
  fields: number;
  /** Offset (in values) of the table inside the packed table array. */
  offset: number;
}

export interface RateTables {
  hh2: RateTable;
  km: RateTable;
  ca: RateTable;
  catAr: RateTable;
  /** All tables back to back. */
  values: Float64Array;
}

/** Build the tables exactly as nocmodl's _check_* functions: x accumulated by x += dx in double. */
export function buildRateTables(celsius: number): RateTables {
  const specs: [keyof Omit<RateTables, "values">, number, number, number, (v: number) => number[]][] = [
    ["hh2", -100, 100, 200, (v) => hh2Rates(v, celsius)],
    ["km", -120, 100, 199, (v) => kmRates(v, celsius)],
    ["ca", -120, 100, 199, (v) => caRates(v, celsius)],
    ["catAr", -120, 40, 641, catArRates],
  ];
  const rows: number[] = [];
  const out: Partial<Omit<RateTables, "values">> = {};
  for (const [name, vmin, vmax, n, f] of specs) {
    const offset = rows.length;
    const dx = (vmax - vmin) / n;
    let fields = 0;
    for (let i = 0, x = vmin; i <= n; x += dx, i++) {
      const r = f(x);
      fields = r.length;
      rows.push(...r);
    }
    out[name] = { vmin, vmax, n, fields, offset };
  }
  return { ...(out as Omit<RateTables, "values">), values: Float64Array.from(rows) };
}

/** NMODL's table lookup (parsact.cpp::table_massage): clamp to the ends, else linear interpolation. */
export function lookup(tables: RateTables, t: RateTable, v: number, field: number): number {
  const xi = (t.n / (t.vmax - t.vmin)) * (v - t.vmin);
  const at = (i: number) => tables.values[t.offset + i * t.fields + field];
  if (xi <= 0) return at(0);
  if (xi >= t.n) return at(t.n);
  const i = Math.trunc(xi), theta = xi - i;
  return at(i) + theta * (at(i + 1) - at(i));
}

/** kca.mod rates(cai): ninf, ntau (no table). */
export function kcaRates(cai: number, tadj: number): [number, number] {
  const a = 0.01 * cai, b = 0.02;
  return [a / (a + b), 1 / tadj / (a + b)];
}

/** Densities of every mechanism of one compartment, in the units the .mod files use. */
export interface SegmentMechs {
  hh2: { gnabar: number; gkbar: number; gl: number; el: number };
  /** pS/µm² */
  km?: number;
  /** pS/µm² */
  ca?: number;
  /** ms */
  cadTaur?: number;
  /** pS/µm² */
  kca?: number;
  /** S/cm² */
  cat?: number;
  /** S/cm² */
  ar?: number;
}

/** The mechanism sets a cell type carries; each set includes the ones before it (state slots are shared). */
export type MechanismSet = "hh2" | "hh2_km" | "l5";

export function mechanismSet(type: CellType): MechanismSet {
  return type === "L2_pyramidal" ? "hh2_km" : type === "L5_pyramidal" ? "l5" : "hh2";
}

/** Gating states per compartment: hh2 m h n | km n | ca m h, cad ca, kca n, cat m h, ar m, last ica. */
export const STATES_PER_COMPARTMENT: Record<MechanismSet, number> = { hh2: 3, hh2_km: 4, l5: 12 };

/** params_default.py / cells_default.py biophysics of one segment of a cell type. */
export function segmentMechs(type: CellType, node: TreeNode): SegmentMechs {
  const soma = node.section === "soma";
  switch (type) {
    case "L2_basket":
    case "L5_basket":
      return { hh2: { gnabar: 0.12, gkbar: 0.036, gl: 0.0003, el: -54.3 } };
    case "L2_pyramidal":
      return { hh2: { gnabar: soma ? 0.18 : 0.15, gkbar: 0.01, gl: 4.26e-5, el: -65 }, km: 250 };
    case "L5_pyramidal":
      return {
        hh2: { gnabar: soma ? 0.16 : 0.14, gkbar: 0.01, gl: 4.26e-5, el: soma ? -65 : -71 },
        km: 200,
        ca: 60,
        cadTaur: 20,
        kca: 2e-4,
        cat: 2e-4,
        // cells_default.py::_exp_g_at_dist on every dendrite, from the soma's x = 0 end.
        ar: soma ? 1e-6 : 1e-6 * Math.exp(3e-3 * node.distance),
      };
  }
}
