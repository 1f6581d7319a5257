/**
 * A real run folder from the experiment runner on the RC model with a tiny budget (about 6 s on 2 cores): every
 * file of docs/runs.md, a posterior trained for 3 epochs (close to the prior, but loadable and sampled like any
 * other) and two conditioned observations. Run as a script (`deno run -A tiny_run.ts OUT [BUDGET [UNTIL]]`, BUDGET a
 * JSON object of changes to TINY_BUDGET, UNTIL the stage to stop after) it makes one in its own process, which tests can
 * kill and resume.
 */
import type { Budget } from "../../lib/experiments/configs.ts";
import type { ExperimentStage } from "../../lib/experiments/types.ts";
import { EXPERIMENTS } from "../../lib/experiments/configs.ts";
import { runExperiment } from "../../lib/experiments/run.ts";
import { GpuRuntime } from "../../lib/gpu/runtime.ts";
import { useBackend } from "../../lib/tf/backend.ts";

export const TINY_BUDGET: Budget = {
  sims: 1000,
  sbcPairs: 12,
  sbcSamples: 40,
  gridPoints: 2,
  gridSamples: 60,
  predictiveSims: 4,
  observationSamples: 200,
};
export const TINY_EPOCHS = 3;
const SCRIPT = new URL(import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/**
 * The shell command that makes (or resumes) the tiny run in `out` in its own process, with `budget`'s changes, stopping
 * after `until`, and denied reading the paths `denyRead`.
 */
export function tinyRunCommand(
  out: string,
  budget?: Partial<Budget>,
  { until, denyRead }: { until?: ExperimentStage; denyRead?: string[] } = {},
): string {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const deny = denyRead ? [`--deny-read=${denyRead.join(",")}`] : [];
  const words = [Deno.execPath(), "run", "--allow-all", ...deny, "--config", CONFIG, SCRIPT, out];
  const stages = until ? [until] : [];
  return [...words, ...(budget || until ? [JSON.stringify(budget ?? {})] : []), ...stages].map(quote).join(" ");
}

/** Run the tiny RC experiment into `out`, with `budget`'s changes to TINY_BUDGET; returns its experiment record. */
export async function makeTinyRcRun(
  out: string,
  command?: string,
  budget: Partial<Budget> = {},
  until?: ExperimentStage,
): Promise<Record<string, unknown>> {
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  try {
    await useBackend("auto");
    return await runExperiment({
      config: EXPERIMENTS.rc,
      size: "small",
      out,
      runtime,
      maxEpochs: TINY_EPOCHS,
      budget: { ...TINY_BUDGET, ...budget },
      command,
      until,
    });
  } finally {
    runtime.destroy();
  }
}

/** Wait until `ready` (polled every 50 ms) while `child` runs; an error if it exits first or after 300 s. */
export async function waitFor(what: string, ready: () => Promise<boolean>, child: Deno.ChildProcess) {
  let exited = false;
  child.status.then(() => (exited = true));
  for (const began = Date.now(); !(await ready());) {
    if (exited) throw new Error(`the run exited before ${what}`);
    if (Date.now() - began > 300_000) throw new Error(`no ${what} after 300 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (import.meta.main) {
  const [out, budget, until] = Deno.args as [string, string?, ExperimentStage?];
  const changes = budget === undefined ? undefined : JSON.parse(budget);
  await makeTinyRcRun(out, tinyRunCommand(out, changes, { until }), changes, until);
}
