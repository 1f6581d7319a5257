/** `experiment`: one of the paper's experiments end to end (simulate → train → diagnose) into a run folder. */
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { EngineName } from "../cluster/engines.ts";
import { getEngine } from "../cluster/engines.ts";
import { submitDataset } from "../cluster/submit.ts";
import { type ExperimentName, EXPERIMENTS, type Size } from "../experiments/configs.ts";
import {
  checkExperimentFolder,
  experimentDataset,
  type ExperimentOptions,
  recordSubmittedExperiment,
  runExperiment,
} from "../experiments/run.ts";
import type { FlowKind } from "../flows/flow.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { shellQuote } from "../shell.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";
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
  gpusPerTask?: number;
  time?: string;
  sbatchArg?: string[];
}

export async function experimentCommand(args: ExperimentArgs): Promise<void> {
  const config = EXPERIMENTS[args.name];
  const clusterOnly = [args.tasks, args.partition, args.gpusPerTask, args.time, args.sbatchArg];
  if (args.cluster === undefined && clusterOnly.some((value) => value !== undefined)) {
    throw new Error("--tasks, --partition, --gpus-per-task, --time and --sbatch-arg go with --cluster");
  }
  const model = config.simulator(args.dt ?? config.dtMs);
  const options: Omit<ExperimentOptions, "runtime"> = {
    ...args,
    config,
    dtMs: args.dt,
    budget: args.sims ? { sims: args.sims } : undefined,
    command: experimentCommandLine(args),
  };
  // Before the GPU (or the cluster): a folder this run may not write into is refused at once.
  const previous = await checkExperimentFolder(options, model);
  if (args.cluster !== undefined) return await submitExperiment(args, options);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  try {
    const backend = await useBackend(args.backend);
    console.error(
      `experiment ${args.name} (${args.size}) ${previous ? "resumed in" : "into"} ${args.out}; tfjs ${backend}`,
    );
    const began = performance.now();
    const experiment = await runExperiment({ ...options, runtime });
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
 * --cluster as a job after the finaliser (it finds the dataset complete, resumes the run recorded as submitted, and
 * trains and checks).
 */
async function submitExperiment(args: ExperimentArgs, options: Omit<ExperimentOptions, "runtime">): Promise<void> {
  if (args.tasks === undefined) throw new Error("give --tasks K with --cluster");
  const out = resolve(args.out);
  const { n, seed, dir } = experimentDataset({ ...options, out });
  const submission = await submitDataset({
    engine: getEngine(args.cluster!),
    recipe: { kind: "experiment", name: args.name, noise: Boolean(args.noise), dt_ms: args.dt },
    n,
    seed,
    tasks: args.tasks,
    dir,
    resources: clusterResources(args),
    after: ["experiment", ...experimentArguments(args)],
    jobName: `neurosbi-${basename(out)}`,
    log: (m) => console.error(m),
  });
  if (!submission) return;
  await recordSubmittedExperiment({ ...options, out }, args.cluster!);
  printSubmission(submission);
}

/**
 * The command line that runs this experiment again, so resumes it: the deno that runs it, the project's config and
 * an absolute --out, so that it works from any folder.
 */
export function experimentCommandLine(args: ExperimentArgs): string {
  const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
  const task = [Deno.execPath(), "task", "--config", config];
  return [...task, "cli", "experiment", ...experimentArguments(args)].map(shellQuote).join(" ");
}

/** The options of `experiment` that make this run (no cluster options), with an absolute --out. */
function experimentArguments(args: ExperimentArgs): string[] {
  const flags: [string, string | number | boolean | undefined][] = [
    ["--name", args.name],
    ["--size", args.size],
    ["--out", resolve(args.out)],
    ["--sims", args.sims],
    ["--summary", args.summary],
    ["--flow", args.flow],
    ["--noise", args.noise],
    ["--theta-jitter", args.thetaJitter],
    ["--seed", args.seed],
    ["--max-epochs", args.maxEpochs],
    ["--dt", args.dt],
    ["--backend", args.backend],
  ];
  return flags.filter(([, value]) => value !== undefined && value !== false)
    .flatMap(([flag, value]) => value === true ? [flag] : [flag, String(value)]);
}
