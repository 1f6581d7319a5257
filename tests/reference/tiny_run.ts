/**
 * A real run folder from the experiment runner on the RC model with a tiny budget (about 6 s on 2 cores): every
 * file of docs/runs.md, a posterior trained for 3 epochs (close to the prior, but loadable and sampled like any
 * other) and two conditioned observations. Run as a script (`deno run -A tiny_run.ts OUT`) it makes one in its own
 * process, which tests can kill and resume.
 */
import type { Budget } from "../../lib/experiments/configs.ts";
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

/** The shell command that makes (or resumes) the tiny run in `out` in its own process. */
export function tinyRunCommand(out: string): string {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  return [Deno.execPath(), "run", "--allow-all", "--config", CONFIG, SCRIPT, out].map(quote).join(" ");
}

/** Run the tiny RC experiment into `out`; returns its experiment record. */
export async function makeTinyRcRun(out: string, command?: string): Promise<Record<string, unknown>> {
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  try {
    await useBackend("auto");
    return await runExperiment({
      config: EXPERIMENTS.rc,
      size: "small",
      out,
      runtime,
      maxEpochs: TINY_EPOCHS,
      budget: TINY_BUDGET,
      command,
    });
  } finally {
    runtime.destroy();
  }
}

if (import.meta.main) await makeTinyRcRun(Deno.args[0], tinyRunCommand(Deno.args[0]));
