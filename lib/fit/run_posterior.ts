/**
 * A model's fit folder as `condition` and the report's conditioning use a run (lib/experiments/condition.ts): its
 * final posterior, the summary fitted on round 1, the model's noise-free simulator (x the mean of the fit's trials)
 * and its recording units.
 */
import type { RunPosterior } from "../experiments/types.ts";
import { trialMeanSimulator } from "../models/trials.ts";
import { loadPosterior } from "../posterior/io.ts";
import { POSTERIOR_DIR, runPath } from "../runs/paths.ts";
import { requireRecord } from "../runs/read.ts";
import { SUMMARY } from "../runs/records.ts";
import { fitExperiment } from "./experiment_copy.ts";
import { readFit } from "./records.ts";

/** The fit in `dir` as a conditionable posterior; undefined when `dir` holds no fit. */
export async function loadFitPosterior(dir: string): Promise<RunPosterior | undefined> {
  const fit = await readFit(dir);
  if (!fit) return undefined;
  const target = fit.settings.target;
  if (!("model" in target)) throw new Error(`${dir} is a fit of sbibm's ${target.task}: only a model's fit conditions`);
  if (fit.status !== "complete") throw new Error(`${dir} holds an unfinished fit: resume it with ${fit.command}`);
  const summary = await requireRecord(dir, SUMMARY, "fitted summary");
  const { posterior } = await loadPosterior(runPath(dir, POSTERIOR_DIR));
  const config = fitExperiment(dir, target.model);
  return {
    posterior,
    summary,
    simulator: trialMeanSimulator(config.simulator(target.dt_ms ?? config.dtMs), target.trials ?? 1),
    units: config.recordingUnits,
  };
}
