/**
 * `tune`: the θ of a model whose trial-averaged waveform lies closest to a recording, by a cross-entropy search
 * (lib/fit/search.ts); HNN users' hand tuning, automated, and the centre `fit --around` draws around. Writes
 * `search.json` after every generation and, at the end, `best.csv` (the θ, as `simulate --theta-file` reads it).
 */
import { join } from "node:path";
import { isNewOrEmpty, writeFileAtomic } from "../data/atomic.ts";
import { parseThetaCsv } from "../data/theta_csv.ts";
import { canonicalModelName, isExperimentFile, modelExperiment } from "../experiments/models.ts";
import { assertSearchSettings, crossEntropySearch, type GenerationRecord, SEARCH_DEFAULTS } from "../fit/search.ts";
import { recordingScale } from "../fit/records.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { meanOverTrials } from "../models/trials.ts";
import { formatSamplesCsv } from "../posterior/csv.ts";
import { type ObservationArgs, readObservation } from "./fit.ts";
import { readInputFile } from "./read_input.ts";

export interface TuneArgs extends ObservationArgs {
  model: string;
  waveform: string;
  /** A theta CSV whose first row is the start; default: the centre of the prior's box. */
  start?: string;
  generations: number;
  population: number;
  elite: number;
  spread: number;
  trials: number;
  dt?: number;
  seed: number;
  out: string;
}

export const TUNE_FILES = { best: "best.csv", search: "search.json" } as const;

/** Drive seeds of trial r of trial set g: clear of the fits' and datasets' small row seeds. */
export function trialSeed(seed: number, trials: number, set: number, r: number): number {
  return 1_000_000 * (seed + 1) + set * trials + r;
}

export async function tuneCommand(args: TuneArgs): Promise<void> {
  if (args.trials < 1) throw new Error("--trials must be at least 1");
  const config = modelExperiment(args.model);
  const model = config.simulator(args.dt ?? config.dtMs);
  if (!model.prior.isBox) throw new Error(`model ${model.name} has a prior that is not a box: tune searches a box`);
  const observation = await readObservation(args, { config, simulator: model }, model.timesMs.length);
  const start = args.start === undefined ? new Float64Array(model.prior.dim).fill(0.5) : model.prior.toUnit(
    parseThetaCsv(await readInputFile(args.start), model.prior, args.start).subarray(0, model.prior.dim),
  );
  const search = {
    generations: args.generations,
    population: args.population,
    elite: args.elite,
    spread: args.spread,
    minSpread: SEARCH_DEFAULTS.minSpread,
    step: SEARCH_DEFAULTS.step,
  };
  assertSearchSettings(search);
  if (!(await isNewOrEmpty(args.out))) throw new Error(`--out ${args.out} must be a new or empty folder`);
  await Deno.mkdir(args.out, { recursive: true });
  const xo = Float64Array.from(observation.x), t = xo.length, d = model.prior.dim;
  // RMSE on the recording's own scale (x = recording ÷ F), as fit-export reports it.
  const scale = Math.abs(recordingScale(observation));
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  const settings = {
    // The model (an experiment file's path) and the recording as given, not resolved: a search's record travels with
    // the results it produced.
    model: isExperimentFile(args.model) ? args.model : canonicalModelName(args.model),
    dt_ms: model.dtMs,
    observation: { ...observation.source, path: args.waveform },
    start: Array.from(model.prior.fromUnit(start)),
    generations: args.generations,
    population: args.population,
    elite: args.elite,
    spread: args.spread,
    trials: args.trials,
    seed: args.seed,
  };
  const generations: GenerationRecord[] = [];
  const save = (extra: Record<string, unknown> = {}) =>
    writeFileAtomic(join(args.out, TUNE_FILES.search), JSON.stringify({ settings, generations, ...extra }, null, 1));
  /** Each row's mean over the trial set's trials, as a waveform on the recording's scale. */
  const averaged = async (units: Float64Array[], set: number): Promise<Float64Array[]> => {
    const theta = new Float32Array(units.length * d);
    units.forEach((u, i) => theta.set(model.prior.fromUnit(u), i * d));
    const seedOf = (_: number, r: number) => trialSeed(args.seed, args.trials, set, r);
    const mean = await meanOverTrials(model, runtime, theta, args.trials, seedOf);
    return units.map((_, i) => mean.slice(i * t, (i + 1) * t).map((v) => v * scale));
  };
  const rmse = (wave: Float64Array) => Math.sqrt(wave.reduce((s, v, k) => s + (v - xo[k] * scale) ** 2, 0) / t);
  try {
    const result = await crossEntropySearch({
      ...search,
      start,
      seed: args.seed,
      score: async (units, set) => (await averaged(units, set)).map(rmse),
      onGeneration: async (g) => {
        generations.push(g);
        console.error(
          `generation ${g.generation}/${args.generations}: best ${g.best.toFixed(2)}, median ${g.median.toFixed(2)}, ` +
            `best so far ${g.bestSoFar.toFixed(2)}, spread ${g.spread.toFixed(3)}`,
        );
        await save();
      },
    });
    const theta = model.prior.fromUnit(result.unit);
    const [wave] = await averaged([result.unit], args.generations + 1);
    const bestCsv = formatSamplesCsv(model.prior.names, Float32Array.from(theta));
    await writeFileAtomic(join(args.out, TUNE_FILES.best), bestCsv);
    await save({
      best: {
        theta: Object.fromEntries(model.prior.names.map((name, j) => [name, theta[j]])),
        source: result.source,
        rmse: result.score,
        rmse_fresh_trials: rmse(wave),
        best_found_rmse: result.bestFoundScore,
      },
      waveform: {
        times_ms: Array.from(model.timesMs),
        mean: Array.from(wave),
        recording: Array.from(xo, (v) => v * scale),
      },
    });
    console.log(
      `tune ${args.out}: θ (${result.source}) lies ${result.score.toFixed(2)} from the recording as a mean of ` +
        `${args.trials} trials (${rmse(wave).toFixed(2)} on another ${args.trials}); ${
          join(args.out, TUNE_FILES.best)
        }`,
    );
  } finally {
    runtime.destroy();
  }
}
