/**
 * Datasets of simulated pairs: θ (n × d) and x (n × t) as float32 .npy files with a JSON manifest.
 *
 * Layout of a dataset folder:
 *   manifest.json      what was simulated (model and its settings, prior, seed, dt, times, adapter, timings), `status`
 *   theta.npy, x.npy   the complete dataset, once `status` is "complete"
 *   shards/            while `status` is "partial": theta-NNNNN.npy / x-NNNNN.npy per shard, written atomically
 *
 * A dataset's identity is everything that determines its arrays (IDENTITY below): a run into a folder holding
 * another identity is refused before anything is written. θ comes from one seeded stream drawn shard by shard, and
 * each row of x has its own seed, so any range of shards can be simulated on its own (an interrupted run resumes,
 * cluster tasks split the rows) with identical results. The steps, separable for that: planDataset (checks, writes
 * nothing) → beginDataset (folder and manifest) → simulateShards (any range of shards, complete ones skipped) →
 * finaliseDataset (concatenate, mark complete, drop the shards); simulateDataset runs them all, and can hand a new
 * dataset's rows to its caller in memory as it writes them, so that training on them needs no trip through the files.
 */
import { dirname, join } from "node:path";
import type { AdapterSummary, GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { Prior } from "../prior/prior.ts";
import type { BoxParameter } from "../prior/schema.ts";
import { assertWritableDir, isTempName, writeFileAtomic, writeStreamAtomic } from "./atomic.ts";
import { decodeNpy, encodeNpy, type Matrix, npyHeader } from "./npy.ts";
import { ThetaStream } from "./theta_stream.ts";

export const DATASET_FORMAT = "neurosbi-dataset/1";
export const DEFAULT_SHARD_SIZE = 10_000;
/** The most rows one dataset may hold. */
export const MAX_DATASET_ROWS = 100_000_000;
/** The most bytes theta.npy and x.npy together may take (1 TiB); the shards take as much again until finalised. */
export const MAX_DATASET_BYTES = 2 ** 40;
/** The most bytes of θ and x one shard may hold: a shard is simulated, and later merged, whole in memory. */
export const MAX_SHARD_BYTES = 2 ** 31;

export type ModelSettings = Readonly<Record<string, number | string | boolean>>;

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  status: "partial" | "complete";
  model: string;
  /** The model's settings that change x (e.g. observation_noise); absent in manifests that predate them: none. */
  model_settings?: ModelSettings;
  /** The model's prior (lib/prior/schema.ts): datasets are drawn from box priors. */
  prior: BoxParameter[];
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

/** The manifest fields that determine θ and x: two runs agreeing on all of them write identical arrays. */
const MODEL_IDENTITY = ["model", "model_settings", "prior", "theta_names", "dt_ms", "times_ms"] as const;
const IDENTITY = [...MODEL_IDENTITY, "seed", "n", "shard_size"] as const;

export interface Dataset {
  manifest: DatasetManifest;
  theta: Matrix;
  x: Matrix;
}

/** What a dataset is to hold and where. */
export interface DatasetRequest {
  model: Simulator;
  n: number;
  seed: number;
  dir: string;
  shardSize?: number;
}

export interface SimulateDatasetOptions extends DatasetRequest {
  runtime: GpuRuntime;
  /** Rows done so far (resumed shards included) after each shard or chunk. */
  onProgress?: (done: number, total: number) => void;
  /** Notices such as "resuming at row k". */
  log?: (message: string) => void;
  /**
   * Hold the rows of a new dataset in memory as they are simulated, when θ and x together take at most this many
   * bytes, and hand them back beside the manifest (default 0: never). A dataset resumed or found complete is not
   * held: its rows are in the files.
   */
  holdBytes?: number;
}

/** What simulateDataset made: the final manifest, and the whole dataset when it was held in memory. */
export interface SimulatedDataset {
  manifest: DatasetManifest;
  /** The arrays loadDataset would read from the files, bit for bit and in the same row order. */
  dataset?: Dataset;
}

/** A checked request: the manifest to write or resume, and what the folder holds now. */
export interface DatasetPlan {
  dir: string;
  manifest: DatasetManifest;
  /** "new": nothing there yet (or an unfinished start without a single shard, which is replaced). */
  state: "new" | "partial" | "complete";
}

export const MANIFEST = "manifest.json";
const SHARDS = "shards";

/** Simulate (or resume) a dataset of n draws from the model's prior; returns the final manifest (and rows held). */
export async function simulateDataset(options: SimulateDatasetOptions): Promise<SimulatedDataset> {
  const plan = await planDataset(options, options.log);
  const { dir, manifest } = plan;
  if (plan.state === "complete") {
    await removeLeftovers(dir);
    options.log?.(`${dir} already holds the complete dataset; nothing to do`);
    return { manifest };
  }
  manifest.adapter = options.runtime.adapterSummary;
  // A new dataset is simulated whole by this call (beginDataset clears any shards), so what it holds is all of it.
  const d = manifest.theta_names.length, t = manifest.times_ms.length;
  const held = plan.state === "new" && manifest.n * (d + t) * 4 <= (options.holdBytes ?? 0)
    ? { theta: new Float32Array(manifest.n * d), x: new Float32Array(manifest.n * t) }
    : undefined;
  const created = await beginDataset(plan);
  try {
    await simulateShards({
      ...options,
      onShardWritten: (seconds, rows) => {
        held?.theta.set(rows.theta, rows.start * d);
        held?.x.set(rows.x, rows.start * t);
        manifest.simulate_seconds += seconds;
        return writeManifest(dir, manifest);
      },
    });
  } catch (error) {
    // A start that failed before its first shard leaves nothing behind.
    if (plan.state === "new" && !(await hasFinishedShard(dir))) await discardStart(dir, created);
    throw error;
  }
  const final = await finaliseDataset(dir);
  const dataset = held && {
    manifest: final,
    theta: { rows: final.n, cols: d, data: held.theta },
    x: { rows: final.n, cols: t, data: held.x },
  };
  return { manifest: final, dataset };
}

/**
 * Check a request against the limits and against what `dir` holds, writing nothing: throws a one-line error for an
 * absurd n, an unwritable folder, a folder of other files, or a dataset of another identity (naming what differs).
 */
export async function planDataset(request: DatasetRequest, log?: (message: string) => void): Promise<DatasetPlan> {
  const { model, n, seed, dir } = request;
  assertDatasetSize(model, n, seed);
  await assertWritableDir(dir);
  const existing = await readManifest(dir);
  // Without a shard size asked for, a dataset resumes with its own.
  const rowBytes = (model.prior.dim + model.timesMs.length) * 4;
  const shardSize = request.shardSize ?? existing?.shard_size ??
    Math.min(n, DEFAULT_SHARD_SIZE, Math.max(1, Math.floor(MAX_SHARD_BYTES / rowBytes)));
  if (!Number.isSafeInteger(shardSize) || shardSize <= 0) throw new RangeError(`shard size must be a positive integer`);
  if (Math.min(shardSize, n) * rowBytes > MAX_SHARD_BYTES) {
    throw new RangeError(
      `a shard of ${shardSize} rows would hold ${formatBytes(Math.min(shardSize, n) * rowBytes)} in memory; ` +
        `at most ${formatBytes(MAX_SHARD_BYTES)} (${Math.floor(MAX_SHARD_BYTES / rowBytes)} rows of this model)`,
    );
  }
  const wanted: DatasetManifest = {
    format: DATASET_FORMAT,
    status: "partial",
    ...modelIdentity(model),
    seed,
    n,
    shard_size: shardSize,
    created: new Date().toISOString(),
    simulate_seconds: 0,
  };
  if (!existing) {
    if (await hasEntries(dir)) {
      throw new Error(`${dir} is not empty and holds no dataset manifest; choose an empty or new folder`);
    }
    return { dir, manifest: wanted, state: "new" };
  }
  const differences = identityDifferences(existing, wanted, IDENTITY);
  if (differences.length === 0) return { dir, manifest: existing, state: existing.status };
  if (existing.status === "partial" && !(await hasFinishedShard(dir))) {
    log?.(`${dir} holds an unfinished start without a simulated shard (${differences.join(", ")}); replacing it`);
    return { dir, manifest: wanted, state: "new" };
  }
  throw new Error(`${dir} holds a dataset of another run: ${differences.join(", ")}; choose another folder`);
}

/**
 * Create the folder and write the plan's manifest (a resumed dataset keeps its own). Returns the topmost folder this
 * call created, if any, for undoing a failed start.
 */
export async function beginDataset(plan: DatasetPlan): Promise<string | undefined> {
  const created = await firstMissing(plan.dir);
  if (plan.state === "new") await Deno.remove(join(plan.dir, SHARDS), { recursive: true }).catch(ignoreNotFound);
  await Deno.mkdir(join(plan.dir, SHARDS), { recursive: true });
  if (plan.state === "new") await writeManifest(plan.dir, plan.manifest);
  return created;
}

export interface SimulateShardsOptions {
  model: Simulator;
  runtime: GpuRuntime;
  dir: string;
  /** First shard to simulate (default 0). */
  first?: number;
  /** Shard after the last one to simulate (default: all). */
  end?: number;
  /** Rows of the range done so far (complete shards included) after each shard or chunk, of the range's rows. */
  onProgress?: (done: number, total: number) => void;
  log?: (message: string) => void;
  /** Called once each shard's files are in place, with the seconds spent simulating it and the rows written. */
  onShardWritten?: (seconds: number, rows: ShardRows) => Promise<void>;
}

/** The rows of one shard as written to its files: θ and x from row `start` of the dataset on. */
export interface ShardRows {
  start: number;
  theta: Float32Array;
  x: Float32Array;
}

/** Simulate shards [first, end) of a begun dataset, skipping those already complete; the model must match it. */
export async function simulateShards(options: SimulateShardsOptions): Promise<void> {
  const { model, runtime, dir } = options;
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${dir} holds no dataset (no ${MANIFEST})`);
  if (manifest.status === "complete") return;
  const differences = identityDifferences(manifest, { ...manifest, ...modelIdentity(model) }, MODEL_IDENTITY);
  if (differences.length > 0) throw new Error(`${dir} holds a dataset of another model: ${differences.join(", ")}`);
  const { n, seed, shard_size: shardSize } = manifest;
  const shards = shardCount(manifest);
  const first = options.first ?? 0, end = options.end ?? shards;
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(end) && 0 <= first && first < end && end <= shards)) {
    throw new RangeError(`shards [${first}, ${end}) are not a range of the dataset's ${shards} shards`);
  }
  const d = model.prior.dim, t = model.timesMs.length;
  const rangeStart = first * shardSize, rangeRows = Math.min(end * shardSize, n) - rangeStart;
  const thetaStream = new ThetaStream(model.prior, seed);
  let done = 0, skipped = 0;
  for (let s = first; s < end; s++) {
    const start = s * shardSize, count = Math.min(shardSize, n - start);
    const theta = thetaStream.rows(start, count);
    if (await shardIsComplete(dir, s, theta, count, t)) {
      done += count;
      skipped += count;
      options.onProgress?.(done, rangeRows);
      continue;
    }
    if (skipped > 0 && skipped === done) options.log?.(`resuming: shard ${s + 1} of ${shards}`);
    const began = performance.now();
    const x = await model.simulate(runtime, theta, {
      onProgress: (k) => options.onProgress?.(done + k, rangeRows),
      seeds: rowSeeds(seed, n, start, count),
    });
    const seconds = (performance.now() - began) / 1000;
    // x last: a shard counts only once its x file exists.
    await writeFileAtomic(shardPath(dir, "theta", s), encodeNpy({ rows: count, cols: d, data: theta }));
    await writeFileAtomic(shardPath(dir, "x", s), encodeNpy({ rows: count, cols: t, data: x }));
    await options.onShardWritten?.(seconds, { start, theta, x });
    done += count;
  }
}

/** The number of shards of a dataset. */
export function shardCount(manifest: Pick<DatasetManifest, "n" | "shard_size">): number {
  return Math.ceil(manifest.n / manifest.shard_size);
}

/** The shards (0-based) of a begun dataset whose θ or x file is not in place whole; reads no values. */
export async function missingShards(dir: string, manifest: DatasetManifest): Promise<number[]> {
  const d = manifest.theta_names.length, t = manifest.times_ms.length;
  const missing: number[] = [];
  for (let s = 0; s < shardCount(manifest); s++) {
    const rows = shardRows(manifest, s);
    if (!(await shardFileIsWhole(dir, "theta", s, rows, d) && await shardFileIsWhole(dir, "x", s, rows, t))) {
      missing.push(s);
    }
  }
  return missing;
}

/** Simulation time and adapter reported from outside the manifest (a cluster's tasks, which leave it alone). */
export interface ShardTimings {
  /** Seconds spent simulating, added to the manifest's own. */
  simulateSeconds: number;
  /** Recorded where the manifest names no adapter yet. */
  adapter?: AdapterSummary;
}

/**
 * Turn a dataset whose shards are all present into its final form: theta.npy and x.npy (streamed from the shards,
 * θ checked against the seed's stream), then the manifest marked complete, then shards/ and temporary files removed.
 * Every step is atomic, and a dataset already complete only has its leftovers removed, so a crash anywhere is mended
 * by running it again. `timings` adds the time of shards simulated by processes that did not write the manifest.
 */
export async function finaliseDataset(dir: string, timings?: ShardTimings): Promise<DatasetManifest> {
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${dir} holds no dataset (no ${MANIFEST})`);
  if (manifest.status === "complete") {
    await removeLeftovers(dir);
    return manifest;
  }
  const { n, shard_size: shardSize } = manifest;
  const d = manifest.theta_names.length, t = manifest.times_ms.length, shards = shardCount(manifest);
  const missing = await missingShards(dir, manifest);
  if (missing.length > 0) {
    const [which, are, it] = missing.length === 1 ? ["shard", "is", "it"] : ["shards", "are", "them"];
    throw new Error(
      `${dir}: ${which} ${missing.map((s) => s + 1).join(", ")} of ${shards} ${are} not simulated yet; ` +
        `simulate ${it} before finalising`,
    );
  }
  const thetaStream = new ThetaStream(new Prior(manifest.prior), manifest.seed);
  await writeStreamAtomic(join(dir, "theta.npy"), async (write) => {
    await write(npyHeader(n, d));
    for (let s = 0; s < shards; s++) {
      const expected = thetaStream.rows(s * shardSize, shardRows(manifest, s));
      const theta = await readShard(dir, "theta", s);
      if (!sameValues(theta.data, expected)) {
        throw new Error(`${dir}: shard ${s + 1} of ${shards} holds θ of another seed; simulate it again`);
      }
      await write(new Uint8Array(theta.data.buffer));
    }
  });
  let nonfinite = 0;
  await writeStreamAtomic(join(dir, "x.npy"), async (write) => {
    await write(npyHeader(n, t));
    for (let s = 0; s < shards; s++) {
      const x = await readShard(dir, "x", s);
      nonfinite += countNonfiniteRows(x);
      await write(new Uint8Array(x.data.buffer));
    }
  });
  manifest.nonfinite_rows = nonfinite;
  if (timings) {
    manifest.simulate_seconds += timings.simulateSeconds;
    manifest.adapter ??= timings.adapter;
  }
  manifest.status = "complete";
  manifest.completed = new Date().toISOString();
  manifest.sims_per_second = manifest.simulate_seconds > 0 ? n / manifest.simulate_seconds : undefined;
  manifest.files = { theta: "theta.npy", x: "x.npy" };
  await writeManifest(dir, manifest);
  await removeLeftovers(dir);
  return manifest;
}

/** Each row's own random stream: dataset seed and row index together, so a row's x does not depend on sharding. */
export function rowSeeds(seed: number, n: number, start: number, count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => seed * n + start + i);
}

/** Refuse, before any work, an n that is no count, one beyond the documented limits, or one the row seeds overflow. */
export function assertDatasetSize(model: Simulator, n: number, seed: number): void {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (n > MAX_DATASET_ROWS) {
    throw new RangeError(`n = ${n} is beyond the limit of ${MAX_DATASET_ROWS} rows per dataset`);
  }
  const bytes = n * (model.prior.dim + model.timesMs.length) * 4;
  if (bytes > MAX_DATASET_BYTES) {
    throw new RangeError(
      `n = ${n} would make a ${formatBytes(bytes)} dataset of ${model.name}; one dataset may take at most ` +
        `${formatBytes(MAX_DATASET_BYTES)} (${Math.floor(MAX_DATASET_BYTES / (bytes / n))} rows of this model)`,
    );
  }
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(Math.abs(seed) * n + n)) {
    throw new RangeError(`seed ${seed} is too large for n = ${n}: row seeds (seed × n + row) must stay below 2^53`);
  }
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
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) return undefined;
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

/** The manifest fields a model determines. */
function modelIdentity(model: Simulator) {
  return {
    model: model.name,
    model_settings: { ...model.settings },
    prior: model.prior.box(),
    theta_names: model.prior.names,
    dt_ms: model.dtMs,
    times_ms: Array.from(model.timesMs),
  };
}

/** "field held (asked wanted)" for each identity field that differs; model settings are compared one by one. */
function identityDifferences(
  existing: DatasetManifest,
  wanted: DatasetManifest,
  keys: readonly (typeof IDENTITY)[number][],
): string[] {
  const differ = (name: string, held: unknown, asked: unknown) =>
    JSON.stringify(held) === JSON.stringify(asked) ? [] : [`${name} ${describe(held)} (asked ${describe(asked)})`];
  return keys.flatMap((key) => {
    if (key !== "model_settings") return differ(key, existing[key], wanted[key]);
    const held = existing.model_settings ?? {}, asked = wanted.model_settings ?? {};
    return [...new Set([...Object.keys(held), ...Object.keys(asked)])].flatMap((name) =>
      differ(name, held[name], asked[name])
    );
  });
}

function describe(value: unknown): string {
  if (value === undefined) return "none";
  if (Array.isArray(value) && typeof value[0] === "number") {
    return `${value.length} values ${value[0]}…${value[value.length - 1]}`;
  }
  return JSON.stringify(value);
}

function formatBytes(bytes: number): string {
  return bytes >= 1e12 ? `${(bytes / 1e12).toFixed(2)} TB` : `${(bytes / 1e9).toFixed(1)} GB`;
}

function shardPath(dir: string, kind: "theta" | "x", shard: number): string {
  return join(dir, SHARDS, `${kind}-${String(shard).padStart(5, "0")}.npy`);
}

async function readShard(dir: string, kind: "theta" | "x", shard: number): Promise<Matrix> {
  const path = shardPath(dir, kind, shard);
  return decodeNpy(await Deno.readFile(path), path);
}

/** Rows of shard s: shard_size, or fewer in the last one. */
function shardRows(manifest: Pick<DatasetManifest, "n" | "shard_size">, shard: number): number {
  return Math.min(manifest.shard_size, manifest.n - shard * manifest.shard_size);
}

async function shardIsComplete(dir: string, shard: number, theta: Float32Array, rows: number, cols: number) {
  if (!(await shardFileIsWhole(dir, "x", shard, rows, cols))) return false;
  try {
    return sameValues((await readShard(dir, "theta", shard)).data, theta);
  } catch {
    return false;
  }
}

/** Whether a shard's θ or x file is in place with the right size (its header and rows × cols float32 values). */
async function shardFileIsWhole(dir: string, kind: "theta" | "x", shard: number, rows: number, cols: number) {
  try {
    const { size } = await Deno.stat(shardPath(dir, kind, shard));
    return size === npyHeader(rows, cols).length + rows * cols * 4;
  } catch {
    return false;
  }
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

async function hasFinishedShard(dir: string): Promise<boolean> {
  try {
    for await (const entry of Deno.readDir(join(dir, SHARDS))) if (/^x-\d+\.npy$/.test(entry.name)) return true;
  } catch (error) {
    ignoreNotFound(error);
  }
  return false;
}

/** Remove what a complete dataset no longer needs: shards/ and temporary files of interrupted writes. */
async function removeLeftovers(dir: string): Promise<void> {
  await Deno.remove(join(dir, SHARDS), { recursive: true }).catch(ignoreNotFound);
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && isTempName(entry.name)) await Deno.remove(join(dir, entry.name)).catch(ignoreNotFound);
  }
}

/** Undo beginDataset: the folders it created, or else the files it wrote into a folder that was empty. */
async function discardStart(dir: string, created: string | undefined): Promise<void> {
  if (created !== undefined) {
    await Deno.remove(created, { recursive: true }).catch(ignoreNotFound);
    return;
  }
  await Deno.remove(join(dir, SHARDS), { recursive: true }).catch(ignoreNotFound);
  await Deno.remove(join(dir, MANIFEST)).catch(ignoreNotFound);
}

/** The topmost folder on the way to `dir` that does not exist yet (`dir` itself, or an ancestor), if any. */
async function firstMissing(dir: string): Promise<string | undefined> {
  let missing: string | undefined;
  for (let path = dir; dirname(path) !== path; path = dirname(path)) {
    try {
      await Deno.stat(path);
      return missing;
    } catch (error) {
      ignoreNotFound(error);
      missing = path;
    }
  }
  return missing;
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

async function hasEntries(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return true;
  } catch (error) {
    ignoreNotFound(error);
  }
  return false;
}

function ignoreNotFound(error: unknown): void {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
}
