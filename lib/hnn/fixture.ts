/** Reading hnn-core reference runs (`../shared/fixtures/hnn/*.json.gz`, described in their README). */
import { CELL_TYPES, type CellType, type NetworkSpec } from "./spec.ts";

/** The fields of a tonic-bias fixture this project reads. */
export interface HnnFixture {
  dt_ms: number;
  tstop_ms: number;
  times_ms: number[];
  dipole_nAm_raw: { agg: number[]; L2: number[]; L5: number[] };
  gid_ranges: Record<string, [number, number]>;
  spikes: { times_ms: number[]; gids: number[] };
  soma_v_mV: Record<string, number[]>;
  tonic_bias_nA?: Partial<Record<CellType, number>>;
  tonic_t0_ms?: number;
  tonic_tstop_ms?: number;
  cell_positions?: Record<string, [number, number, number][]>;
  netcons?: unknown;
}

/** Parse a gzip-compressed JSON file. */
export async function readGzipJson(path: string | URL): Promise<unknown> {
  const file = await Deno.open(path);
  const text = await new Response(file.readable.pipeThrough(new DecompressionStream("gzip"))).text();
  return JSON.parse(text);
}

export async function readFixture(path: string | URL): Promise<HnnFixture> {
  const data = await readGzipJson(path) as HnnFixture;
  for (const key of ["dt_ms", "tstop_ms", "gid_ranges", "spikes", "soma_v_mV"] as const) {
    if (data[key] === undefined) throw new Error(`${path}: not an hnn fixture (no ${key})`);
  }
  return data;
}

/** The spec a tonic fixture simulated: hnn-core's default mesh with every connection removed. */
export function specFromTonicFixture(fx: HnnFixture): NetworkSpec {
  if (fx.netcons !== undefined && (fx.netcons as unknown[]).length > 0) {
    throw new Error("fixture has connections: only isolated-cell (tonic) fixtures can be replayed so far");
  }
  const positions = fx.cell_positions?.L2_pyramidal;
  if (!positions) throw new Error("fixture has no cell_positions: cannot tell its mesh shape");
  const mesh: [number, number] = [
    1 + Math.max(...positions.map((p) => p[0])),
    1 + Math.max(...positions.map((p) => p[1])),
  ];
  const biases: NetworkSpec["tonic_biases"] = {};
  for (const type of CELL_TYPES) {
    const amp = fx.tonic_bias_nA?.[type];
    if (amp !== undefined) {
      biases[type] = { amplitude_nA: amp, t0_ms: fx.tonic_t0_ms ?? 0, tstop_ms: fx.tonic_tstop_ms ?? fx.tstop_ms };
    }
  }
  return { mesh_shape: mesh, dt_ms: fx.dt_ms, tstop_ms: fx.tstop_ms, tonic_biases: biases };
}
