/**
 * `diagnose sbc|coverage|recovery --run DIR`: rerun one check of a finished experiment run with its own budget —
 * fresh draws from the run's generative model (noise included) for SBC and coverage, the paper's grid of noise-free
 * ground truths for recovery and predictive checks — and write it as JSON.
 */
import { assertWritableFile } from "../data/atomic.ts";
import { calibrate, type Context, gridCheck, withObservationNoise } from "../experiments/checks.ts";
import { loadRunPosterior } from "../experiments/condition.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { BadRun, readRecord } from "../runs/read.ts";
import { COVERAGE, EXPERIMENT, RECOVERY, SBC } from "../runs/records.ts";
import { writeRecordFile } from "../runs/write.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";

export type RunCheck = "sbc" | "coverage" | "recovery";

interface RunCheckArgs {
  run: string;
  out: string;
  seed: number;
  backend: BackendName;
}

/** Each check's own budget flags. */
export interface CheckArgs {
  sbc: RunCheckArgs & { pairs: number; samples: number };
  coverage: RunCheckArgs & { pairs: number; samples: number };
  recovery: RunCheckArgs & { gridPoints: number; gridSamples: number; predictiveSims: number };
}

export async function diagnoseRunCommand<C extends RunCheck>(check: C, args: CheckArgs[C]): Promise<void> {
  const experiment = await readRecord(args.run, EXPERIMENT).catch((error) => {
    if (error instanceof BadRun) throw new Error(`${args.run} is not a run folder (${error.file} ${error.reason})`);
    throw error;
  });
  if (!experiment) throw new Error(`${args.run} is not a run folder (it has no ${EXPERIMENT.file})`);
  const noise = experiment.noise ?? 0;
  await assertWritableFile(args.out);
  await useBackend(args.backend);
  const run = await loadRunPosterior(args.run);
  const runtime = await GpuRuntime.acquire({ requiredLimits: run.simulator.requiredLimits });
  const context: Context = {
    model: noise > 0 ? withObservationNoise(run.simulator, noise) : run.simulator,
    simulator: run.simulator,
    runtime,
    summary: run.summary,
    posterior: run.posterior,
    log: { write: (stage, f = {}) => Promise.resolve(console.error(`${stage} ${f.done ?? ""}/${f.total ?? ""}`)) },
    seed: args.seed,
  };
  try {
    if (check === "recovery") {
      const { gridPoints, gridSamples, predictiveSims } = args as CheckArgs["recovery"];
      await writeRecordFile(args.out, RECOVERY, await gridCheck(context, { gridPoints, gridSamples, predictiveSims }));
    } else {
      const { pairs, samples } = args as CheckArgs["sbc"];
      const { sbc, coverage } = await calibrate(context, pairs, samples);
      if (check === "sbc") await writeRecordFile(args.out, SBC, sbc);
      else await writeRecordFile(args.out, COVERAGE, coverage);
    }
    console.log(`wrote ${check} of ${args.run} to ${args.out}`);
  } finally {
    run.posterior.dispose();
    runtime.destroy();
  }
}
