/** `experiment`: one of the paper's experiments end to end (simulate → train → diagnose) into a run folder. */
import { assertWritableDir } from "../data/atomic.ts";
import { type ExperimentName, EXPERIMENTS, type Size } from "../experiments/configs.ts";
import { runExperiment } from "../experiments/run.ts";
import type { FlowKind } from "../flows/flow.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";

export interface ExperimentArgs {
  name: ExperimentName;
  size: Size;
  out: string;
  sims?: number;
  summary?: string;
  flow: FlowKind;
  noise?: boolean;
  thetaJitter?: number;
  seed: number;
  maxEpochs?: number;
  backend: BackendName;
  dt?: number;
}

export async function experimentCommand(args: ExperimentArgs): Promise<void> {
  const config = EXPERIMENTS[args.name];
  const model = config.simulator(args.dt ?? config.dtMs);
  await assertWritableDir(args.out);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  try {
    const backend = await useBackend(args.backend);
    console.error(`experiment ${args.name} (${args.size}) into ${args.out}; tfjs ${backend}`);
    const began = performance.now();
    const experiment = await runExperiment({
      ...args,
      config,
      runtime,
      dtMs: args.dt,
      budget: args.sims ? { sims: args.sims } : undefined,
    });
    const results = experiment.results as Record<string, unknown>;
    console.log(
      `experiment ${args.name} complete in ${((performance.now() - began) / 60_000).toFixed(1)} min: ` +
        `SBC rejected ${results.sbc_rejected} of ${model.prior.dim}, median recovery error ` +
        `${(results.median_recovery_error as number[]).map((e) => e.toFixed(3)).join("/")}; wrote ${args.out}`,
    );
  } finally {
    runtime.destroy();
  }
}
