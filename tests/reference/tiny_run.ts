/**
 * A real run folder from the experiment runner on the RC model with a tiny budget (about 6 s on 2 cores): every
 * file of docs/runs.md, a posterior trained for 3 epochs (close to the prior, but loadable and sampled like any
 * other) and two conditioned observations.
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

/** Run the tiny RC experiment into `out`; returns its experiment record. */
export async function makeTinyRcRun(out: string): Promise<Record<string, unknown>> {
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
    });
  } finally {
    runtime.destroy();
  }
}
