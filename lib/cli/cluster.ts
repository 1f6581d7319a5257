/**
 * `cluster`: simulate a dataset as a job array on a cluster's scheduler (submit, status, wait), and the internal
 * commands its jobs run (task, finalise). docs/cluster.md.
 */
import { type Command, InvalidArgumentError, Option, type OptionValues } from "@commander-js/extra-typings";
import { resolve } from "node:path";
import type { Resources } from "../cluster/engine.ts";
import { ENGINE_NAMES, getEngine } from "../cluster/engines.ts";
import { clusterStatus, formatStatus, waitForDataset } from "../cluster/status.ts";
import { requireClusterState } from "../cluster/state.ts";
import { submitDataset } from "../cluster/submit.ts";
import { finaliseTasks, runTask } from "../cluster/worker.ts";
import { MODEL_CHOICES, modelKey } from "../experiments/models.ts";
import { integer, nonNegativeInt, positiveInt } from "./arguments.ts";

/** Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
function wallTime(value: string): string {
  if (!/^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+(:\d{2}){0,2})$/.test(value)) {
    throw new InvalidArgumentError("must be a time limit such as 01:30:00, 90 or 2-00:00:00");
  }
  return value;
}

function collect(value: string, previous: string[] | undefined): string[] {
  if (!value.startsWith("-") || /[\n\r]/.test(value)) {
    throw new InvalidArgumentError("must be one option of sbatch, such as --sbatch-arg=--account=lab");
  }
  return [...(previous ?? []), value];
}

/**
 * The options every cluster submission takes: tasks and resources. None has a default value, so that `experiment`
 * without --cluster parses to exactly its own options; clusterResources fills the defaults in.
 */
export function withClusterOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  command: Command<A, O, G>,
) {
  return command
    .addOption(
      new Option("--tasks <K>", "array tasks, each a contiguous range of whole shards (experiment: with --cluster)")
        .argParser(positiveInt),
    )
    .option("--partition <P>", "partition (queue) of every job")
    .option("--gpus-per-task <G>", "GPUs per array task (default 1; 0: none, a CPU-only cluster)", nonNegativeInt)
    .option("--time <limit>", "wall-clock limit of every job, HH:MM:SS", wallTime)
    .option(
      "--sbatch-arg <arg>",
      "an extra sbatch option for every job (repeatable), e.g. --sbatch-arg=--qos=gpu",
      collect,
    );
}

/** experiment's --cluster: the engine that simulates its training set. */
export const experimentClusterOption = () =>
  new Option("--cluster <engine>", "simulate the training set as a job array, then train and check in a job after it")
    .choices(ENGINE_NAMES);

export function clusterResources(options: {
  partition?: string;
  gpusPerTask?: number;
  time?: string;
  sbatchArg?: string[];
}): Resources {
  return {
    partition: options.partition,
    gpusPerTask: options.gpusPerTask ?? 1,
    time: options.time,
    extraArgs: options.sbatchArg ?? [],
  };
}

export function registerClusterCommands(program: Command): void {
  const cluster = program.command("cluster").description(
    "simulate a dataset as a job array on a cluster's scheduler (docs/cluster.md)",
  );

  withClusterOptions(
    cluster.command("submit")
      .description(
        "submit the dataset `simulate --model M --sims N --seed S` would write, as a job array; prints job ids",
      )
      .addOption(new Option("--engine <name>", "scheduler").choices(ENGINE_NAMES).default("slurm" as const))
      .requiredOption("--model <name|file>", `simulator: ${MODEL_CHOICES}`)
      .option("--sims <N>", "number of parameter sets to draw from the prior and simulate", positiveInt)
      .addOption(new Option("--n <N>", "the old spelling of --sims").argParser(positiveInt).hideHelp())
      .option("--seed <S>", "seed of the prior draws", integer, 0)
      .requiredOption("--out <dir>", "dataset folder, on a filesystem every node sees")
      .option("--shard-size <R>", "rows per shard (default: N/K, at most 10,000)", positiveInt),
  ).action(async (options) => {
    if (options.tasks === undefined) throw new Error("give --tasks K");
    if (options.sims !== undefined && options.n !== undefined) {
      throw new Error("give --sims once (--n is its old spelling)");
    }
    const n = options.sims ?? options.n;
    if (n === undefined) throw new Error("give --sims N");
    const submission = await submitDataset({
      engine: getEngine(options.engine),
      // An experiment file by its absolute path: the nodes share the filesystem, not the working folder.
      recipe: { kind: "model", model: modelKey(options.model) },
      n,
      seed: options.seed,
      tasks: options.tasks,
      shardSize: options.shardSize,
      dir: options.out,
      resources: clusterResources(options),
      log: (m) => console.error(m),
    });
    if (submission) printSubmission(submission);
  });

  cluster.command("status")
    .description("each task's state and rows written, and the finalising job's")
    .requiredOption("--out <dir>", "dataset folder given to cluster submit")
    .action(async ({ out }) => {
      const state = await requireClusterState(out);
      console.log(formatStatus(await clusterStatus(out, state, getEngine(state.engine))));
    });

  cluster.command("wait")
    .description("block until the dataset is complete; exit non-zero naming the failed tasks")
    .requiredOption("--out <dir>", "dataset folder given to cluster submit")
    .option("--interval <s>", "seconds between polls", positiveInt, 10)
    .action(async ({ out, interval }) => {
      const state = await requireClusterState(out);
      let last = "";
      const status = await waitForDataset(out, state, getEngine(state.engine), {
        intervalMs: interval * 1000,
        onPoll: (s) => {
          const line = `${s.tasks.filter((t) => t.phase === "done").length} of ${s.tasks.length} tasks done`;
          if (line !== last) console.error(last = line);
        },
      });
      console.log(`${resolve(out)}: complete, ${status.manifest.n} rows`);
    });

  cluster.command("task", { hidden: true })
    .description("simulate one array task's rows (run by the array job)")
    .requiredOption("--out <dir>", "dataset folder")
    .option("--index <i>", "task index (default: $SLURM_ARRAY_TASK_ID)", nonNegativeInt)
    .action(async ({ out, index }) => {
      const i = index ?? Number(Deno.env.get("SLURM_ARRAY_TASK_ID"));
      if (!Number.isSafeInteger(i)) throw new Error("give --index, or run as an array task ($SLURM_ARRAY_TASK_ID)");
      await runTask(out, i, (m) => console.log(m));
    });

  cluster.command("finalise", { hidden: true })
    .description("check every task's shards and assemble the dataset (run after the array)")
    .requiredOption("--out <dir>", "dataset folder")
    .action(({ out }) => finaliseTasks(out, (m) => console.log(m)));
}

export function printSubmission(
  submission: { array_job?: string; tasks: number[]; finalise_job: string; after_job?: string },
) {
  if (submission.array_job) console.log(`array job ${submission.array_job}: tasks ${submission.tasks.join(",")}`);
  console.log(`finalise job ${submission.finalise_job}`);
  if (submission.after_job) console.log(`after job ${submission.after_job}`);
}
