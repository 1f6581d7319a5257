/** `experiment`: an experiment file end to end (simulate → train → diagnose) into a run folder, or its dry run. */
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type EngineName, getEngine } from "../cluster/engines.ts";
import { submitDataset } from "../cluster/submit.ts";
import { EXPERIMENT_NAMES, experimentFilePath, type ExperimentName, type Size } from "../experiments/configs.ts";
import { checkRecordings, loadExperimentFile } from "../experiments/experiment_file.ts";
import { describePlan, measureSecondsPerNetwork, runPlan, softwareNotice } from "../experiments/plan.ts";
import {
  checkExperimentFolder,
  experimentDataset,
  type ExperimentOptions,
  experimentSettings,
  recordSubmittedExperiment,
  runExperiment,
  sizeBudget,
} from "../experiments/run.ts";
import { isCompleteRunOf } from "../runs/folder.ts";
import type { ExperimentConfig, ExperimentStage } from "../experiments/types.ts";
import type { FlowKind } from "../flows/flow.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { shellQuote } from "../shell.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";
import { clusterResources, printSubmission } from "./cluster.ts";
import { experimentStep } from "./experiment_step.ts";
import { createProgress, type Progress } from "./progress.ts";

export interface ExperimentArgs {
  config?: string;
  name?: ExperimentName;
  size: Size;
  out?: string;
  dryRun?: boolean;
  /** A complete run of the same settings in --out is kept and the command succeeds (the demo, run twice). */
  keepComplete?: boolean;
  /** Networks simulated to measure the time per network (default PROBE_NETWORKS). */
  probe?: number;
  sims?: number;
  summary?: string;
  flow: FlowKind;
  /** Observation noise (on unless --no-noise). */
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
  /** Stop after this stage, resumable (two-machine runs, docs/paper-runs.md). */
  until?: ExperimentStage;
  shardSize?: number;
  /** Seconds this invocation may take: one step of a long run, which the same command resumes. */
  timeBudget?: number;
}

const PROBE_NETWORKS = 4;

/** The experiment of --config, or of --name (the shipped file of that name). */
export function experimentOf(args: Pick<ExperimentArgs, "config" | "name">): ExperimentConfig {
  if ((args.config === undefined) === (args.name === undefined)) {
    throw new Error(`give --config FILE or --name NAME (${EXPERIMENT_NAMES.join(", ")}), one of them`);
  }
  return loadExperimentFile(args.config ?? experimentFilePath(args.name!));
}

export async function experimentCommand(args: ExperimentArgs): Promise<void> {
  const config = experimentOf(args);
  const clusterOnly = [args.tasks, args.partition, args.gpusPerTask, args.time, args.sbatchArg];
  if (args.cluster === undefined && clusterOnly.some((value) => value !== undefined)) {
    throw new Error("--tasks, --partition, --gpus-per-task, --time and --sbatch-arg go with --cluster");
  }
  const model = config.simulator(args.dt ?? config.dtMs);
  const budget = { ...sizeBudget(config, args.size), ...(args.sims ? { sims: args.sims } : {}) };
  const label = `experiment ${config.name} (${args.size})`;
  await checkRecordings(config, model.dtMs);
  if (args.dryRun) {
    await dryRun(args, config, model, budget, label);
    return;
  }
  if (args.out === undefined) throw new Error("give --out DIR (or --dry-run)");
  const out = args.out;
  if (args.timeBudget !== undefined && args.cluster !== undefined) {
    throw new Error("--time-budget and --cluster exclude each other");
  }
  const options: Omit<ExperimentOptions, "runtime"> = {
    ...args,
    out,
    config,
    noise: args.noise !== false,
    dtMs: args.dt,
    budget: args.sims ? { sims: args.sims } : undefined,
    command: experimentCommandLine(args),
  };
  if (args.keepComplete && await isCompleteRunOf(out, experimentSettings(options, model))) {
    console.log(`${out} holds this experiment's complete run already; kept as it is`);
    return;
  }
  // Before the GPU (or the cluster): a folder this run may not write into is refused at once.
  const previous = await checkExperimentFolder(options, model);
  if (args.cluster !== undefined) return await submitExperiment(args, options, config);
  if (args.timeBudget !== undefined) {
    Deno.exitCode = await experimentStep([...experimentArguments(args), ...stageArguments(args)], out, args.timeBudget);
    return;
  }
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  let progress: Progress | undefined;
  try {
    if (runtime.adapterSummary.fallback) {
      const perNetwork = await measureSecondsPerNetwork(runtime, model, args.probe ?? PROBE_NETWORKS);
      const notice = softwareNotice(runPlan(config, budget, model), perNetwork, runtime.adapterSummary.description);
      if (notice) console.error(notice);
    }
    const backend = await useBackend(args.backend);
    console.error(`${label} ${previous ? "resumed in" : "into"} ${out}; tfjs ${backend}`);
    const began = performance.now();
    const experiment = await runExperiment({
      ...options,
      runtime,
      onSimulate: (done, total) => {
        progress ??= createProgress("simulate", total, "networks");
        progress.update(done);
        if (done === total) progress.stop();
      },
    });
    if (experiment.status !== "complete") {
      console.log(
        `experiment ${config.name} stopped after the ${args.until} as asked; the same command without --until resumes it`,
      );
      return;
    }
    const results = experiment.results as Record<string, unknown>;
    console.log(
      `experiment ${config.name} complete in ${((performance.now() - began) / 60_000).toFixed(1)} min: ` +
        `SBC rejected ${results.sbc_rejected} of ${model.prior.dim}, median recovery error ` +
        `${(results.median_recovery_error as number[]).map((e) => e.toFixed(3)).join("/")}; wrote ${out}`,
    );
  } finally {
    progress?.stop();
    runtime.destroy();
  }
}

/** Print what the run would simulate, its time on this adapter from a short probe, and its disk; write nothing. */
async function dryRun(
  args: ExperimentArgs,
  config: ExperimentConfig,
  model: Simulator,
  budget: ReturnType<typeof sizeBudget>,
  label: string,
): Promise<void> {
  const plan = runPlan(config, budget, model);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits, notice: () => {} });
  try {
    const probe = args.probe ?? PROBE_NETWORKS;
    const perNetwork = await measureSecondsPerNetwork(runtime, model, probe);
    const a = runtime.adapterSummary;
    console.log(
      `${label}: ${model.prior.dim} parameters (${model.prior.names.join(", ")}), ` +
        `x of ${model.timesMs.length} samples, dt ${model.dtMs} ms; it would simulate`,
    );
    for (const line of describePlan(plan, perNetwork, probe, `${a.description}${a.fallback ? " (software)" : ""}`)) {
      console.log(line);
    }
  } finally {
    runtime.destroy();
  }
}

/**
 * The experiment on a cluster: its training set as a job array into OUT/dataset, then this same command without
 * --cluster as a job after the finaliser (it finds the dataset complete, resumes the run recorded as submitted, and
 * trains and checks).
 */
async function submitExperiment(
  args: ExperimentArgs,
  options: Omit<ExperimentOptions, "runtime">,
  config: ExperimentConfig,
): Promise<void> {
  if (args.tasks === undefined) throw new Error("give --tasks K with --cluster");
  const out = resolve(options.out);
  const { n, seed, dir, shardSize } = experimentDataset({ ...options, out });
  const submission = await submitDataset({
    engine: getEngine(args.cluster!),
    recipe: { kind: "experiment", config: config.source, noise: options.noise !== false, dt_ms: args.dt },
    n,
    seed,
    shardSize,
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
 * The command line that runs this experiment again, so resumes it: the deno that runs it, the project's config, an
 * absolute --config and --out, so that it works from any folder.
 */
export function experimentCommandLine(args: ExperimentArgs): string {
  const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
  const task = [Deno.execPath(), "task", "--config", config];
  return [...task, "cli", "experiment", ...experimentArguments(args)].map(shellQuote).join(" ");
}

/** The options that stop a run early or shape its shards: given to one invocation, not recorded as its command. */
function stageArguments(args: ExperimentArgs): string[] {
  return [
    ...(args.until ? ["--until", args.until] : []),
    ...(args.shardSize ? ["--shard-size", String(args.shardSize)] : []),
  ];
}

/** The options of `experiment` that make this run (no cluster options), with an absolute --config and --out. */
function experimentArguments(args: ExperimentArgs): string[] {
  const flags: [string, string | number | boolean | undefined][] = [
    ["--name", args.name],
    ["--config", args.config === undefined ? undefined : resolve(args.config)],
    ["--size", args.size],
    ["--out", args.out === undefined ? undefined : resolve(args.out)],
    ["--sims", args.sims],
    ["--summary", args.summary],
    ["--flow", args.flow],
    ["--no-noise", args.noise === false],
    ["--theta-jitter", args.thetaJitter],
    ["--seed", args.seed],
    ["--max-epochs", args.maxEpochs],
    ["--dt", args.dt],
    ["--backend", args.backend],
  ];
  return flags.filter(([, value]) => value !== undefined && value !== false)
    .flatMap(([flag, value]) => value === true ? [flag] : [flag, String(value)]);
}
