/** Reading hnn-core reference runs (`data/fixtures/hnn/*.json.gz`, described in its README). */
import { dataPath } from "../../data/paths.ts";
import type { NetconSource } from "../lowering/connectivity.ts";
import { CELL_TYPES, type CellType, type NetworkSpec } from "../spec/types.ts";

/** Every NetCon as hnn-core built it: src_gid, tgt_gid, synapse, weight (µS), delay_ms, threshold_mV. */
export interface FixtureNetcons {
  columns: string[];
  rows: [number, number, string, number, number, number][];
}

/** The fields of a fixture this project reads. */
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
  netcons?: FixtureNetcons;
}

/** The path of a reference run in the data folder's fixtures/hnn, e.g. `fixturePath("hnncore", "dpl.txt.gz")`. */
export function fixturePath(...segments: string[]): string {
  return dataPath("fixtures", "hnn", ...segments);
}

/**
 * Parse a gzip-compressed JSON file. Every failure is one line naming the file and what is wrong with it (missing,
 * not gzip, truncated or corrupt, not JSON), not the decompressor's or parser's own words.
 */
export async function readGzipJson(path: string | URL): Promise<unknown> {
  const fail = (why: string) => new Error(`${shownPath(path)}: ${why}`);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw fail(error instanceof Deno.errors.NotFound ? "no such file" : `cannot read (${(error as Error).message})`);
  }
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw fail("not gzip-compressed (no gzip header)");
  let text: string;
  try {
    text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  } catch {
    throw fail("truncated or corrupt gzip data");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw fail(`not JSON once decompressed (${(error as Error).message})`);
  }
}

function shownPath(path: string | URL): string {
  return path instanceof URL ? path.pathname : path;
}

/** The fields every fixture has, with the JSON type each must be. */
const REQUIRED_FIELDS = {
  dt_ms: "number",
  tstop_ms: "number",
  gid_ranges: "object",
  spikes: "object",
  soma_v_mV: "object",
} as const;

export async function readFixture(path: string | URL): Promise<HnnFixture> {
  const data = await readGzipJson(path);
  const name = shownPath(path);
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new Error(`${name}: not an hnn fixture (the JSON is not an object)`);
  }
  const fields = data as Record<string, unknown>;
  for (const [key, type] of Object.entries(REQUIRED_FIELDS)) {
    if (fields[key] === undefined) throw new Error(`${name}: not an hnn fixture (no ${key})`);
    if (typeof fields[key] !== type || fields[key] === null) {
      throw new Error(`${name}: ${key} is ${JSON.stringify(fields[key])?.slice(0, 40)}, not a JSON ${type}`);
    }
  }
  const spikes = fields.spikes as Record<string, unknown>;
  if (!Array.isArray(spikes.times_ms) || !Array.isArray(spikes.gids)) {
    throw new Error(`${name}: spikes must hold the arrays times_ms and gids`);
  }
  return data as HnnFixture;
}

/**
 * The cells, time base and tonic biases a fixture simulated; its connections and drives come separately
 * (fixtureNetcons, fixtureDriveEvents), exactly as built.
 */
export function specFromFixture(fx: HnnFixture): NetworkSpec {
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

/** The fixture's NetCons as one rule of weight 1 (each row's falloff is its weight). */
export function fixtureNetcons(fx: HnnFixture, cells: number): NetconSource {
  const rows = fx.netcons?.rows ?? [];
  const want = ["src_gid", "tgt_gid", "synapse", "weight", "delay_ms"];
  if (rows.length > 0 && want.some((c, i) => fx.netcons!.columns[i] !== c)) {
    throw new Error(`fixture netcons columns are ${fx.netcons!.columns}, expected ${want} first`);
  }
  const gids = Math.max(cells, ...Object.values(fx.gid_ranges).map(([, stop]) => stop));
  return {
    table: {
      src: Int32Array.from(rows, (r) => r[0]),
      tgt: Int32Array.from(rows, (r) => r[1]),
      synapse: rows.map((r) => r[2]),
      weight: Float64Array.from(rows, (r) => r[3]),
      delay: Float64Array.from(rows, (r) => r[4]),
      rule: new Int32Array(rows.length),
      falloff: Float64Array.from(rows, (r) => r[3]),
    },
    nRules: 1,
    nDriveCells: gids - cells,
  };
}

/** The recorded spike times of the drive cells (gids from `cells` on), sorted per cell. */
export function fixtureDriveEvents(fx: HnnFixture, cells: number, nDriveCells: number): number[][] {
  const events: number[][] = Array.from({ length: nDriveCells }, () => []);
  fx.spikes.gids.forEach((g, i) => {
    if (g >= cells) events[g - cells].push(fx.spikes.times_ms[i]);
  });
  return events.map((e) => e.sort((a, b) => a - b));
}
