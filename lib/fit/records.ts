/**
 * A fit's folder (docs/fit.md): fit.json (settings, status, the command), observation.json (the x fitted), one
 * record per finished round (rounds/NNN.json, written last, so a round without it is unfinished), each round's
 * simulated pairs and posterior, and the final posterior (posterior/, the format of lib/posterior/io.ts). The JSON
 * records are checked with lib/runs' schemas on reading and writing, and written atomically; run.lock names the live
 * process (lib/runs/lock.ts).
 */
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../data/atomic.ts";
import type { WaveformAxis } from "../experiments/recordings.ts";
import type { PredictiveBands } from "../plots/posterior.ts";
import { type BoxParameter, isBox, type ParameterSpec } from "../prior/schema.ts";
import { assertNotInUse, fieldDifferences, isFreshFolder } from "../runs/folder.ts";
import { readRecord } from "../runs/read.ts";
import type { RunRecord } from "../runs/records.ts";
import { writeRecord } from "../runs/write.ts";
import { decodeTensorFile, encodeTensorFile } from "../train/tensor_file.ts";

export const FIT_FORMAT = "neurosbi-fit/1";
export const FIT_FILE = "fit.json";
export const OBSERVATION_FILE = "observation.json";
export { CHECKPOINT_FILE, POSTERIOR_DIR, SUMMARY_FILE } from "../runs/paths.ts";
/** The final posterior at the observation as the report's observation record (lib/server/observations.ts). */
export const RESULT_FILE = "observations/fit.json";

/** The settings that make two fits the same: a resume must match all of them. */
export interface FitSettings {
  /** A model at an integration step, x the mean of `trials` trials (absent: one), or an sbibm task. */
  target: { model: string; dt_ms?: number; trials?: number } | { task: string };
  observation: Record<string, unknown>;
  rounds: number;
  sims_per_round: number;
  initial_dataset: string | null;
  flow: string;
  noise: boolean;
  seed: number;
  max_epochs: number | null;
  batch_size: number;
  predictive_sims: number;
  /** Samples of the final posterior kept for the report. */
  samples: number;
  stop_ratio: number;
  max_prior_draws: number;
  /** The truncation's quantile of log q (lib/fit/truncation.ts); absent: its default, as in earlier fits. */
  quantile?: number;
  /** fit --around: the model's prior cut down to θ ± half_width of each range (unit cube); absent: the whole prior. */
  around?: { theta: number[]; half_width: number };
}

export interface FitRecord {
  format: typeof FIT_FORMAT;
  /** As written; the report reads a running fit whose process is gone as "interrupted". */
  status: "running" | "complete" | "interrupted";
  settings: FitSettings;
  /** The command that made (and resumes) it. */
  command: string;
  label: string;
  /** The prior's parameters: the units samples are in (lib/fit/target.ts). */
  parameters: ParameterSpec[];
  created: string;
  completed?: string;
  /** Why the rounds ended: the region stopped shrinking, or the last round was run. */
  stopped?: "converged" | "rounds";
}

export interface FitObservationRecord {
  label: string;
  times_ms: number[];
  /** The observation on the simulator's time base, in x's units. */
  x: number[];
  x_unit?: string;
  /** How it was made from a file (path, column, scale, ...), when it was. */
  source: Record<string, unknown>;
}

/** F of a fit of a recording read with `--scale F` (x = recording ÷ F); 1 for any other observation. */
export function recordingScale(observation: FitObservationRecord): number {
  return typeof observation.source.scale === "number" ? observation.source.scale : 1;
}

/** How the report draws a fit's waveforms: x × F, on the recording's own scale. */
export function fitWaveformAxis(observation: FitObservationRecord): WaveformAxis {
  const unit = observation.x_unit ?? "x", scale = recordingScale(observation);
  if (scale === 1) return { label: observation.x_unit ? `x (${unit})` : "x", unit, scale };
  return { label: `recording (${unit}; x × ${scale})`, unit, scale };
}

/**
 * An estimate of a region's prior mass: by the acceptance rate of prior draws, or (`sampler` "sir", a region too small
 * for that) by importance weights of posterior draws, which `drawn` and `accepted` then count (lib/fit/truncation.ts).
 */
export interface VolumeEstimate {
  volume: number;
  se: number;
  drawn: number;
  accepted: number;
  sampler?: "sir";
}

export interface RoundRecord {
  round: number;
  /** The prior mass of the region this round's θ were drawn from (round 1, the prior: 1). */
  proposal: VolumeEstimate;
  /** Simulations of this round and of all rounds so far (what this round's posterior trained on). */
  sims: number;
  total_sims: number;
  training: {
    epochs: number;
    best_epoch: number;
    best_validation_loss: number;
    final_train_loss: number;
    dropped_nonfinite_rows: number;
    seconds: number;
  };
  /** The truncation region after this round: log q(θ | x_o) above the threshold, and its prior mass. */
  region: VolumeEstimate & { threshold: number };
  /** Posterior-predictive check at x_o: the bands of K simulations and the RMSE of their median to x_o. */
  predictive: { rmse: number; bands: PredictiveBands };
  seconds: number;
}

export const roundName = (round: number) => String(round).padStart(3, "0");
export const roundDir = (dir: string, round: number) => join(dir, "rounds", roundName(round));
const pairsFile = (dir: string, round: number) => join(roundDir(dir, round), "pairs.bin");

const numbers = z.array(z.number());
const volume = { volume: z.number(), se: z.number(), drawn: z.number(), accepted: z.number() };
const fitRecord = <T>(file: string, schema: z.ZodObject): RunRecord<T> => ({
  file,
  schema,
  versioned: false,
  indented: false,
});

/** `fit.json`: what the report and a resume read of it. */
export const FIT = fitRecord<FitRecord>(
  FIT_FILE,
  z.looseObject({
    format: z.literal(FIT_FORMAT),
    status: z.enum(["running", "complete", "interrupted"]),
    settings: z.looseObject({
      target: z.union([
        z.looseObject({ model: z.string(), dt_ms: z.number().optional(), trials: z.number().int().min(2).optional() }),
        z.looseObject({ task: z.string() }),
      ]),
      rounds: z.int(),
      sims_per_round: z.int(),
    }),
    command: z.string(),
    label: z.string(),
    parameters: z.array(z.looseObject({ name: z.string(), scale: z.enum(["linear", "log10"]) })).min(1),
    created: z.string(),
  }),
);

/** `observation.json`. */
export const FIT_OBSERVATION = fitRecord<FitObservationRecord>(
  OBSERVATION_FILE,
  z.looseObject({ label: z.string(), times_ms: numbers, x: numbers, source: z.looseObject({}) }),
);

/** `rounds/NNN.json`. */
export function roundRecord(round: number): RunRecord<RoundRecord> {
  return fitRecord(
    `rounds/${roundName(round)}.json`,
    z.looseObject({
      round: z.literal(round),
      proposal: z.looseObject(volume),
      sims: z.int(),
      total_sims: z.int(),
      training: z.looseObject({ epochs: z.number(), best_validation_loss: z.number() }),
      region: z.looseObject({ ...volume, threshold: z.number() }),
      predictive: z.looseObject({
        rmse: z.number(),
        bands: z.looseObject({ q025: numbers, q50: numbers, q975: numbers }),
      }),
      seconds: z.number(),
    }),
  );
}

/**
 * The prior as the report draws it, a box per parameter: a normal parameter (an sbibm task's) spans its mean ± 5 sd
 * on its scale.
 */
export function reportBox(parameters: readonly ParameterSpec[]): BoxParameter[] {
  return parameters.map((p) => {
    if (isBox(p)) return p;
    const { mean, variance, ...rest } = p;
    const [low, high] = [-5, 5].map((k) => mean + k * Math.sqrt(variance));
    return p.scale === "log10" ? { ...rest, low: 10 ** low, high: 10 ** high } : { ...rest, low, high };
  });
}

export const readFit = (dir: string) => readRecord(dir, FIT);
export const writeFit = (dir: string, record: FitRecord) => writeRecord(dir, FIT, record);
export const readObservation = (dir: string) => readRecord(dir, FIT_OBSERVATION);
export const writeObservation = (dir: string, record: FitObservationRecord) =>
  writeRecord(dir, FIT_OBSERVATION, record);
export const writeRound = (dir: string, record: RoundRecord) => writeRecord(dir, roundRecord(record.round), record);

/** The finished rounds, 1, 2, ... up to the first one without its record. */
export async function readRounds(dir: string): Promise<RoundRecord[]> {
  const rounds: RoundRecord[] = [];
  for (let r = 1;; r++) {
    const record = await readRecord(dir, roundRecord(r));
    if (!record) return rounds;
    rounds.push(record);
  }
}

export interface RoundPairs {
  /** θ in the prior's units and x as simulated (before any summary). */
  theta: Float32Array;
  x: Float32Array;
  /** The prior mass of the region θ were drawn from. */
  proposal: VolumeEstimate;
}

/** A round's simulated pairs, saved before training so a resumed round simulates nothing again. */
export async function writePairs(
  dir: string,
  round: number,
  theta: Float32Array,
  x: Float32Array,
  proposal: VolumeEstimate,
): Promise<void> {
  await Deno.mkdir(roundDir(dir, round), { recursive: true });
  await writeFileAtomic(
    pairsFile(dir, round),
    encodeTensorFile({ format: FIT_FORMAT, proposal }, {
      pairs: [{ name: "theta", shape: [theta.length], data: theta }, { name: "x", shape: [x.length], data: x }],
    }),
  );
}

export async function readPairs(dir: string, round: number): Promise<RoundPairs | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(pairsFile(dir, round));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const { meta, groups } = decodeTensorFile<{ proposal: VolumeEstimate }>(bytes, pairsFile(dir, round));
  const find = (name: string) => groups.pairs?.find((a) => a.name === name)?.data;
  const theta = find("theta"), x = find("x");
  if (!theta || !x) throw new Error(`${pairsFile(dir, round)} holds no θ and x pairs`);
  return { theta: Float32Array.from(theta), x: Float32Array.from(x), proposal: meta.proposal };
}

/**
 * Read-only check of `dir` for a fit of `settings`: undefined for a new fit (no folder, or an empty one), the
 * previous record for an unfinished fit of the same settings; an error for anything else.
 */
/**
 * Settings a fit may change between runs: more rounds, another stop rule or another truncation quantile (it shapes the
 * rounds to come only) continue it where it ended.
 */
const CONTINUABLE: readonly string[] = ["rounds", "stop_ratio", "quantile"];

/** Whether the region after the last round is no smaller than `ratio` times the one before (from round 2 on). */
export function converged(rounds: readonly RoundRecord[], ratio: number): boolean {
  if (rounds.length < 2) return false;
  const [before, last] = rounds.slice(-2).map((r) => r.region.volume);
  return before > 0 && last / before > ratio;
}

/**
 * The fit in `dir` that `settings` resume or continue (undefined for a new folder). Every setting must match but the
 * round count, stop rule and quantile; a complete fit continues only when these ask for more rounds than it ran.
 */
export async function checkFitFolder(dir: string, settings: FitSettings): Promise<FitRecord | undefined> {
  if (await isFreshFolder(dir)) return undefined;
  const previous = await readFit(dir).catch(() => undefined);
  if (!previous) {
    throw new Error(`${dir} is not empty and holds no fit: give a new or empty folder as --out`);
  }
  const differences = fieldDifferences(
    previous.settings as unknown as Record<string, unknown>,
    settings as unknown as Record<string, unknown>,
    Object.keys(settings).filter((field) => !CONTINUABLE.includes(field)),
  );
  if (previous.status === "complete") {
    const rounds = await readRounds(dir);
    const more = rounds.length < settings.rounds && !converged(rounds, settings.stop_ratio);
    if (differences.length > 0 || !more) {
      throw new Error(
        `${dir} holds a complete fit of ${rounds.length} rounds: give another --out (the fit stays as it is), or ` +
          `its options with a higher --rounds to continue it${
            differences.length > 0 ? ` (these differ: ${differences.join("; ")})` : ""
          }`,
      );
    }
  }
  await assertNotInUse(dir);
  if (differences.length > 0) {
    throw new Error(
      `${dir} holds another fit (${differences.join("; ")}): give another --out, or the same options to resume it`,
    );
  }
  return previous;
}
