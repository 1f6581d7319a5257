/** `experiment`: one of the paper's experiments end to end (simulate → train → diagnose) into a run folder. */
import { assertWritableDir } from "../data/atomic.ts";
import { type ExperimentName, EXPERIMENTS, type Size } from "../experiments/configs.ts";
import { experimentDataset, runExperiment } from "../experiments/run.ts";
import type { FlowKind } from "../flows/flow.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";
import type { EngineName } from "../cluster/engines.ts";
import { getEngine } from "../cluster/engines.ts";
import { submitDataset } from "../cluster/submit.ts";
import { basename, resolve } from "node:path";
import { clusterResources, printSubmission } from "./cluster.ts";

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
  cluster?: EngineName;
  tasks?: number;
  partition?: string;
  gpusPerTask: number;
  time?: string;
  sbatchArg: string[];
}

export async function experimentCommand(args: ExperimentArgs): Promise<void> {
  const config = EXPERIMENTS[args.name];
  if (args.cluster !== undefined) return await submitExperiment(args);
  if (args.tasks !== undefined || args.partition !== undefined || args.time !== undefined || args.sbatchArg.length) {
    throw new Error("--tasks, --partition, --time and --sbatch-arg go with --cluster");
  }
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

/**
 * The experiment on a cluster: its training set as a job array into OUT/dataset, then this same command without
 * --cluster as a job after the finaliser (it finds the dataset complete and trains and checks).
 */
async function submitExperiment(args: ExperimentArgs): Promise<void> {
  if (args.tasks === undefined) throw new Error("give --tasks K with --cluster");
  const out = resolve(args.out);
  const { n, seed, dir } = experimentDataset({
    config: EXPERIMENTS[args.name],
    size: args.size,
    out,
    noise: args.noise,
    dtMs: args.dt,
    seed: args.seed,
    budget: args.sims ? { sims: args.sims } : undefined,
  });
  const flags: [string, unknown][] = [
    ["--sims", args.sims],
    ["--summary", args.summary],
    ["--theta-jitter", args.thetaJitter],
    ["--max-epochs", args.maxEpochs],
    ["--dt", args.dt],
  ];
  const after = [
    ...["experiment", "--name", args.name, "--size", args.size, "--out", out, "--flow", args.flow],
    ...["--seed", String(args.seed), "--backend", args.backend, ...(args.noise ? ["--noise"] : [])],
    ...flags.flatMap(([flag, value]) => (value === undefined ? [] : [flag, String(value)])),
  ];
  const submission = await submitDataset({
    engine: getEngine(args.cluster!),
    recipe: { kind: "experiment", name: args.name, noise: Boolean(args.noise), dt_ms: args.dt },
    n,
    seed,
    tasks: args.tasks,
    dir,
    resources: clusterResources(args),
    after,
    jobName: `neurosbi-${basename(out)}`,
    log: (m) => console.error(m),
  });
  if (submission) printSubmission(submission);
}
