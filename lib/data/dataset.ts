/**
 * Datasets of simulated pairs: θ (n × d) and x (n × t) as float32 .npy files with a JSON manifest.
 *
 * Layout of a dataset folder:
 *   manifest.json      what was simulated (model, prior, seed, dt, times, adapter, timings), and `status`
 *   theta.npy, x.npy   the complete dataset, once `status` is "complete"
 *   shards/            while `status` is "partial": theta-NNNNN.npy / x-NNNNN.npy per shard, written atomically
 * All θ are drawn from the seed up front, so an interrupted run resumes shard by shard with identical results.
 */
import { join } from "node:path";
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import type { ParameterSpec } from "../prior.ts";
import { seededUniform } from "../random.ts";
import { assertWritableDir, writeFileAtomic } from "./atomic.ts";
import { decodeNpy, encodeNpy, type Matrix, npyHeader } from "./npy.ts";

export const DATASET_FORMAT = "neurosbi-dataset/1";

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  status: "partial" | "complete";
  model: string;
  prior: ParameterSpec[];
  seed: number;
  n: number;
  shard_size: number;
  dt_ms: number;
  times_ms: number[];
  theta_names: string[];
  created: string;
  completed?: string;
  adapter?: GpuRuntime["adapterSummary"];
  /** Seconds spent simulating (this run and any interrupted ones). */
  simulate_seconds: number;
  sims_per_second?: number;
  /** Rows of x holding NaN or ±Inf, kept in the files and filtered out by the trainer. */
  nonfinite_rows?: number;
  files?: { theta: string; x: string };
}

export interface Dataset {
  manifest: DatasetManifest;
  theta: Matrix;
  x: Matrix;
}

export interface SimulateDatasetOptions {
  model: Simulator;
  runtime: GpuRuntime;
  n: number;
  seed: number;
  dir: string;
  shardSize?: number;
  /** Rows done so far (resumed shards included) after each shard or chunk. */
  onProgress?: (done: number, total: number) => void;
  /** Notices such as "resuming at row k". */
  log?: (message: string) => void;
}

export const DEFAULT_SHARD_SIZE = 10_000;
const MANIFEST = "manifest.json";

/** Simulate (or resume) a dataset of n draws from the model's prior; returns the final manifest. */
export async function simulateDataset(options: SimulateDatasetOptions): Promise<DatasetManifest> {
  const { dir, runtime } = options;
  const manifest = await openDataset(options);
  if (manifest.status === "complete") {
    options.log?.(`${dir} already holds the complete dataset; nothing to do`);
    return manifest;
  }
  await simulateShards(options, manifest, 0, shardCount(manifest), async (seconds) => {
    manifest.simulate_seconds += seconds;
    await writeManifest(dir, manifest);
  });
  return await finaliseDataset(dir, { adapter: runtime.adapterSummary, simulateSeconds: manifest.simulate_seconds });
}

/**
 * The manifest of the dataset the options describe: the one already in dir (checked to be the same run), or a new
 * partial one written there. Refuses a folder holding another run or other files.
 */
export async function openDataset(options: Omit<SimulateDatasetOptions, "runtime">): Promise<DatasetManifest> {
  const { model, n, seed, dir } = options;
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
  await assertWritableDir(dir);
  const existing = await readManifest(dir);
  // Without a shard size asked for, a dataset in progress keeps its own (a cluster's tasks may have chosen another).
  const shardSize = options.shardSize ?? existing?.shard_size ?? Math.min(n, DEFAULT_SHARD_SIZE);
  if (!Number.isSafeInteger(shardSize) || shardSize <= 0) throw new RangeError(`shard size must be a positive integer`);

  const wanted: DatasetManifest = {
    format: DATASET_FORMAT,
    status: "partial",
    model: model.name,
    prior: model.prior.toJSON(),
    seed,
    n,
    shard_size: shardSize,
    dt_ms: model.dtMs,
    times_ms: Array.from(model.timesMs),
    theta_names: model.prior.names,
    created: new Date().toISOString(),
    simulate_seconds: 0,
  };
  if (existing) {
    assertSameRun(existing, wanted, dir);
    return existing;
  }
  if (await hasEntries(dir)) {
    throw new Error(`${dir} is not empty and holds no dataset manifest; choose an empty or new folder`);
  }
  await Deno.mkdir(join(dir, "shards"), { recursive: true });
  await writeManifest(dir, wanted);
  return wanted;
}

export function shardCount(manifest: Pick<DatasetManifest, "n" | "shard_size">): number {
  return Math.ceil(manifest.n / manifest.shard_size);
}

/**
 * Simulate shards [from, to) of a partial dataset, skipping those already complete; `onShard` gets the simulation
 * seconds of each shard written. Leaves the manifest alone, so several processes may fill disjoint ranges at once.
 */
export async function simulateShards(
  options: SimulateDatasetOptions,
  manifest: DatasetManifest,
  from: number,
  to: number,
  onShard?: (seconds: number) => Promise<void>,
): Promise<void> {
  const { model, runtime, dir } = options;
  const { n, seed, shard_size: shardSize } = manifest;
  await Deno.mkdir(join(dir, "shards"), { recursive: true });
  const theta = new Float32Array(model.prior.sample(n, seededUniform(seed)));
  const d = model.prior.dim, t = model.timesMs.length;
  const total = shardCount(manifest);
  let done = 0;
  for (let s = from; s < to; s++) {
    const start = s * shardSize, count = Math.min(shardSize, n - start);
    const thetaShard = theta.subarray(start * d, (start + count) * d);
    if (await shardIsComplete(dir, s, thetaShard, count, t)) {
      if (done === start && start > 0) options.log?.(`resuming: shard ${s + 1} of ${total}`);
      done += count;
      options.onProgress?.(done, n);
      continue;
    }
    const began = performance.now();
    const x = await model.simulate(runtime, thetaShard, {
      onProgress: (k) => options.onProgress?.(done + k, n),
      seeds: rowSeeds(seed, n, start, count),
    });
    const seconds = (performance.now() - began) / 1000;
    // x last: a shard counts only once its x file exists.
    await writeFileAtomic(shardPath(dir, "theta", s), encodeNpy({ rows: count, cols: d, data: thetaShard }));
    await writeFileAtomic(shardPath(dir, "x", s), encodeNpy({ rows: count, cols: t, data: x }));
    await onShard?.(seconds);
    done += count;
  }
}

/** Shards of a partial dataset whose files are missing or of the wrong shape. */
export async function missingShards(dir: string, manifest: DatasetManifest): Promise<number[]> {
  const missing: number[] = [];
  for (let s = 0; s < shardCount(manifest); s++) {
    const rows = Math.min(manifest.shard_size, manifest.n - s * manifest.shard_size);
    const whole = await hasNpyShape(shardPath(dir, "theta", s), rows, manifest.theta_names.length) &&
      await hasNpyShape(shardPath(dir, "x", s), rows, manifest.times_ms.length);
    if (!whole) missing.push(s);
  }
  return missing;
}

/**
 * Concatenate a partial dataset's shards (all present) into theta.npy and x.npy and mark it complete, recording the
 * adapter and the total simulation time.
 */
export async function finaliseDataset(
  dir: string,
  run: { adapter?: GpuRuntime["adapterSummary"]; simulateSeconds: number },
): Promise<DatasetManifest> {
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${dir} holds no dataset (no ${MANIFEST})`);
  if (manifest.status === "complete") return manifest;
  const missing = await missingShards(dir, manifest);
  if (missing.length > 0) throw new Error(`${dir} lacks shards ${missing.join(", ")}; simulate them first`);
  const { n } = manifest, d = manifest.theta_names.length, t = manifest.times_ms.length;
  manifest.nonfinite_rows = await mergeShards(dir, shardCount(manifest), n, d, t);
  manifest.status = "complete";
  manifest.completed = new Date().toISOString();
  manifest.adapter = run.adapter;
  manifest.simulate_seconds = run.simulateSeconds;
  manifest.sims_per_second = run.simulateSeconds > 0 ? n / run.simulateSeconds : undefined;
  manifest.files = { theta: "theta.npy", x: "x.npy" };
  await writeManifest(dir, manifest);
  await Deno.remove(join(dir, "shards"), { recursive: true });
  return manifest;
}

/** Each row's own random stream: dataset seed and row index together, so a row's x does not depend on sharding. */
export function rowSeeds(seed: number, n: number, start: number, count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => seed * n + start + i);
}

/** Read a complete dataset, checking its files against the manifest. */
export async function loadDataset(dir: string): Promise<Dataset> {
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${dir} holds no dataset (no ${MANIFEST})`);
  if (manifest.status !== "complete") throw new Error(`${dir} holds a partial dataset; rerun simulate to finish it`);
  const theta = decodeNpy(await Deno.readFile(join(dir, "theta.npy")), join(dir, "theta.npy"));
  const x = decodeNpy(await Deno.readFile(join(dir, "x.npy")), join(dir, "x.npy"));
  if (theta.rows !== manifest.n || theta.cols !== manifest.theta_names.length) {
    throw new Error(
      `${dir}/theta.npy is ${theta.rows}×${theta.cols}, the manifest says ${manifest.n}×${manifest.theta_names.length}`,
    );
  }
  if (x.rows !== manifest.n || x.cols !== manifest.times_ms.length) {
    throw new Error(`${dir}/x.npy is ${x.rows}×${x.cols}, the manifest says ${manifest.n}×${manifest.times_ms.length}`);
  }
  return { manifest, theta, x };
}

export async function readManifest(dir: string): Promise<DatasetManifest | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, MANIFEST));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new Error(`${join(dir, MANIFEST)} is not valid JSON`);
  }
  if (manifest?.format !== DATASET_FORMAT) {
    throw new Error(`${join(dir, MANIFEST)} is not a ${DATASET_FORMAT} manifest`);
  }
  return manifest;
}

function writeManifest(dir: string, manifest: DatasetManifest): Promise<void> {
  return writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
}

function assertSameRun(existing: DatasetManifest, wanted: DatasetManifest, dir: string): void {
  const keys = ["model", "seed", "n", "shard_size", "dt_ms"] as const;
  const differs = keys.filter((k) => existing[k] !== wanted[k]);
  if (JSON.stringify(existing.prior) !== JSON.stringify(wanted.prior)) differs.push("prior" as never);
  if (differs.length > 0) {
    const what = differs.map((k) => `${k} ${JSON.stringify(existing[k])} (asked ${JSON.stringify(wanted[k])})`);
    throw new Error(`${dir} holds a dataset of another run: ${what.join(", ")}; choose another folder`);
  }
}

function shardPath(dir: string, kind: "theta" | "x", shard: number): string {
  return join(dir, "shards", `${kind}-${String(shard).padStart(5, "0")}.npy`);
}

/** Whether path holds a whole float32 rows × cols .npy as encodeNpy writes it; reads the header only. */
async function hasNpyShape(path: string, rows: number, cols: number): Promise<boolean> {
  const header = npyHeader(rows, cols);
  try {
    using file = await Deno.open(path);
    if ((await file.stat()).size !== header.length + rows * cols * 4) return false;
    const head = new Uint8Array(header.length);
    for (let read = 0; read < head.length;) {
      const n = await file.read(head.subarray(read));
      if (n === null) return false;
      read += n;
    }
    return head.every((b, i) => b === header[i]);
  } catch {
    return false;
  }
}

async function shardIsComplete(dir: string, shard: number, theta: Float32Array, rows: number, cols: number) {
  try {
    const x = decodeNpy(await Deno.readFile(shardPath(dir, "x", shard)));
    const th = decodeNpy(await Deno.readFile(shardPath(dir, "theta", shard)));
    return x.rows === rows && x.cols === cols && th.data.length === theta.length &&
      th.data.every((v, i) => v === theta[i]);
  } catch {
    return false;
  }
}

/** Concatenate the shards into theta.npy and x.npy (streamed, atomic); returns the count of non-finite x rows. */
async function mergeShards(dir: string, shards: number, n: number, d: number, t: number): Promise<number> {
  let nonfinite = 0;
  for (const [kind, cols] of [["theta", d], ["x", t]] as const) {
    const path = join(dir, `${kind}.npy`);
    const temp = join(dir, `.${kind}.npy.tmp`);
    const file = await Deno.open(temp, { write: true, create: true, truncate: true });
    try {
      await writeAll(file, npyHeader(n, cols));
      for (let s = 0; s < shards; s++) {
        const shard = decodeNpy(await Deno.readFile(shardPath(dir, kind, s)));
        if (kind === "x") nonfinite += countNonfiniteRows(shard);
        await writeAll(file, new Uint8Array(shard.data.buffer));
      }
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  }
  return nonfinite;
}

function countNonfiniteRows({ rows, cols, data }: Matrix): number {
  let count = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (!Number.isFinite(data[r * cols + c])) {
        count++;
        break;
      }
    }
  }
  return count;
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) offset += await file.write(bytes.subarray(offset));
}

async function hasEntries(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  return false;
}
