/**
 * Submitting a dataset to a cluster: the manifest first, then one job array over the row ranges still missing, a
 * finalising job after it, and optionally a job after that (an experiment's training and checks). Submitting the
 * same dataset again submits only what is missing, so a failed or cancelled task costs only its own rows.
 */
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../data/atomic.ts";
import { beginDataset, planDataset, readManifest } from "../data/dataset.ts";
import type { ClusterEngine, JobScript, Resources } from "./engine.ts";
import { clusterShardSize, planTasks } from "./plan.ts";
import { type DatasetRecipe, recipeSimulator } from "./recipe.ts";
import {
  clusterDir,
  type ClusterState,
  logsDir,
  readClusterState,
  type Submission,
  writeClusterState,
} from "./state.ts";
import { clusterStatus } from "./status.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** What every job runs: the repository's own Deno (a shared filesystem puts it at the same path on every node). */
const CLI = [
  Deno.execPath(),
  "run",
  "--config",
  join(REPO, "deno.json"),
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys=hostname",
  // `ps` alone: the experiment job tells a run killed on its node (a time limit) from a live one (lib/runs/lock.ts).
  "--allow-run=ps",
  join(REPO, "lib/cli/main.ts"),
];

export interface SubmitRequest {
  engine: ClusterEngine;
  recipe: DatasetRecipe;
  n: number;
  seed: number;
  tasks: number;
  shardSize?: number;
  /** The dataset folder, on a filesystem every node sees. */
  dir: string;
  resources: Resources;
  /** CLI arguments of a job to run once the dataset is complete. */
  after?: string[];
  /** Name of the jobs in the queue (default: neurosbi-FOLDER). */
  jobName?: string;
  log: (message: string) => void;
}

/** Submit what the dataset still lacks; returns the submission, or undefined when nothing needed submitting. */
export async function submitDataset(request: SubmitRequest): Promise<Submission | undefined> {
  const { engine, recipe, n, seed, tasks, log } = request;
  const dir = resolve(request.dir);
  const model = recipeSimulator(recipe);
  const previous = await readClusterState(dir);
  // Checks first, writing nothing: a dataset in progress keeps its shard size, a new one gets the tasks' default,
  // and a folder holding another dataset (or other files) is refused.
  const existing = await readManifest(dir);
  const shardSize = request.shardSize ?? (existing ? undefined : clusterShardSize(n, tasks));
  const dataset = await planDataset({ model, n, seed, shardSize, dir }, log);
  const plan = planTasks(n, dataset.manifest.shard_size, tasks);
  await engine.checkAvailable();
  if (previous && JSON.stringify(previous.recipe) !== JSON.stringify(recipe)) {
    throw new Error(
      `${dir} holds a dataset of another run (${JSON.stringify(previous.recipe)}); choose another folder`,
    );
  }
  if (dataset.state === "complete") {
    log(`${dir} already holds the complete dataset; nothing submitted`);
    return undefined;
  }
  if (previous && previous.tasks.length !== tasks) {
    throw new Error(`${dir} was submitted as ${previous.tasks.length} tasks; give --tasks ${previous.tasks.length}`);
  }

  const state: ClusterState = {
    format: "neurosbi-cluster/1",
    engine: engine.name,
    recipe,
    tasks: plan,
    resources: request.resources,
    after: request.after,
    submissions: previous?.submissions ?? [],
  };
  const submitted: string[] = [];
  const created = await beginDataset(dataset);
  try {
    const status = await clusterStatus(dir, state, engine);
    const missing = status.tasks.filter((t) => t.phase === "failed").map((t) => t.index);
    const active = status.tasks.filter((t) => t.phase === "pending" || t.phase === "running");
    const finaliserActive = status.finalise?.phase === "pending" || status.finalise?.phase === "running";
    if (missing.length === 0 && finaliserActive) {
      log(`nothing to submit: ${active.length} tasks still queued or running, and the finalising job after them`);
      return undefined;
    }
    await writeClusterState(dir, state);
    await Deno.mkdir(logsDir(dir), { recursive: true });
    const scripts = await writeScripts(dir, state, engine, request.jobName ?? `neurosbi-${basename(dir)}`);
    const submission: Submission = { submitted: new Date().toISOString(), tasks: missing, finalise_job: "" };
    if (missing.length > 0) {
      submission.array_job = await engine.submit(scripts.task, { array: missing });
      submitted.push(submission.array_job);
    }
    const before = [...(submission.array_job ? [submission.array_job] : []), ...active.map((t) => t.job!)];
    submission.finalise_job = await engine.submit(scripts.finalise, { afterOk: before });
    submitted.push(submission.finalise_job);
    if (scripts.after) {
      submission.after_job = await engine.submit(scripts.after, { afterOk: [submission.finalise_job] });
      submitted.push(submission.after_job);
    }
    // The previous finalising job (and what follows it) waited on tasks that failed: it would never run.
    const stale = [status.finalise, status.after].filter((j) => j?.queued);
    await engine.cancel(stale.map((j) => j!.job));
    state.submissions.push(submission);
    await writeClusterState(dir, state);
    return submission;
  } catch (error) {
    await engine.cancel(submitted).catch(() => {});
    // A new dataset leaves nothing behind; one submitted before keeps its previous state.
    if (created !== undefined) await Deno.remove(created, { recursive: true }).catch(() => {});
    else if (dataset.state === "new") {
      for (const entry of ["manifest.json", "shards", "cluster", "logs"]) {
        await Deno.remove(join(dir, entry), { recursive: true }).catch(() => {});
      }
    } else if (previous) await writeClusterState(dir, previous);
    throw error;
  }
}

/** The batch scripts of a submission, kept in DIR/cluster/ to read or resubmit by hand. */
async function writeScripts(
  dir: string,
  state: ClusterState,
  engine: ClusterEngine,
  name: string,
): Promise<{ task: string; finalise: string; after?: string }> {
  const jobs: Record<string, JobScript | undefined> = {
    task: {
      name,
      command: [...CLI, "cluster", "task", "--out", dir],
      workdir: REPO,
      log: join(logsDir(dir), "task-%a.%A.out"),
      gpu: true,
    },
    finalise: {
      name: `${name}-finalise`,
      command: [...CLI, "cluster", "finalise", "--out", dir],
      workdir: REPO,
      log: join(logsDir(dir), "finalise.%j.out"),
      gpu: false,
    },
    after: state.after && {
      name: `${name}-after`,
      command: [...CLI, ...state.after],
      workdir: REPO,
      log: join(logsDir(dir), "after.%j.out"),
      gpu: true,
    },
  };
  const paths: Record<string, string> = {};
  for (const [kind, job] of Object.entries(jobs)) {
    if (!job) continue;
    paths[kind] = join(clusterDir(dir), `${kind}.sh`);
    await writeFileAtomic(paths[kind], engine.script(job, state.resources));
  }
  return paths as { task: string; finalise: string; after?: string };
}
