/** Where a cluster dataset stands: each task's phase and rows written, and the finalising job's. */
import { type DatasetManifest, missingShards, readManifest } from "../data/dataset.ts";
import type { ClusterEngine, JobState } from "./engine.ts";
import type { ClusterState } from "./state.ts";

export interface TaskStatus {
  index: number;
  rows: [number, number];
  rowsWritten: number;
  /** The scheduler's id of the task's latest submission. */
  job?: string;
  phase: "done" | "pending" | "running" | "failed";
  detail: string;
}

export interface ClusterStatus {
  manifest: DatasetManifest;
  complete: boolean;
  tasks: TaskStatus[];
  finalise?: { job: string } & JobState;
  after?: { job: string } & JobState;
}

const LEFT_QUEUE: JobState = { phase: "failed", detail: "no longer queued", queued: false };

export async function clusterStatus(dir: string, state: ClusterState, engine: ClusterEngine): Promise<ClusterStatus> {
  let manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${dir} holds no dataset manifest`);
  let missing = new Set(manifest.status === "complete" ? [] : await missingShards(dir, manifest));
  if (missing.size > 0) {
    // The finalising job may have completed the dataset, and removed its shards, since the manifest was read.
    manifest = (await readManifest(dir))!;
    if (manifest.status === "complete") missing = new Set();
  }
  const complete = manifest.status === "complete";
  const jobs = new Map<number, string>();
  for (const submission of state.submissions) {
    for (const index of submission.tasks) jobs.set(index, engine.taskId(submission.array_job!, index));
  }
  const last = state.submissions.at(-1);
  const known = await engine.states(
    [...jobs.values(), last?.finalise_job, last?.after_job].filter((id) => id) as string[],
  );

  const tasks = state.tasks.map((task): TaskStatus => {
    let rowsWritten = 0;
    for (let s = task.shards[0]; s < task.shards[1]; s++) {
      if (!missing.has(s)) rowsWritten += Math.min(manifest.n, (s + 1) * manifest.shard_size) - s * manifest.shard_size;
    }
    const job = jobs.get(task.index);
    const base = { index: task.index, rows: task.rows, rowsWritten, job };
    if (rowsWritten === task.rows[1] - task.rows[0]) return { ...base, phase: "done", detail: "rows written" };
    if (!job) return { ...base, phase: "failed", detail: "never submitted" };
    const scheduler = known.get(job) ?? LEFT_QUEUE;
    if (scheduler.phase === "completed") {
      return { ...base, phase: "failed", detail: "finished without writing all its rows" };
    }
    return { ...base, phase: scheduler.phase, detail: scheduler.detail };
  });
  const jobState = (job: string | undefined, done: boolean) =>
    job
      ? {
        job,
        ...(done ? { phase: "completed", detail: "COMPLETED", queued: false } as const : known.get(job) ?? LEFT_QUEUE),
      }
      : undefined;
  return {
    manifest,
    complete,
    tasks,
    finalise: jobState(last?.finalise_job, complete),
    after: jobState(last?.after_job, false),
  };
}

/** One line per task and job, for `cluster status`. */
export function formatStatus(status: ClusterStatus): string {
  const lines = status.tasks.map((t) =>
    `task ${t.index}: ${t.phase.padEnd(7)} rows ${t.rows[0]}–${t.rows[1]}: ${t.rowsWritten} of ${
      t.rows[1] - t.rows[0]
    } written${t.job ? `, job ${t.job}` : ""} (${t.detail})`
  );
  if (status.finalise) lines.push(`finalise: job ${status.finalise.job} ${status.finalise.detail}`);
  if (status.after) lines.push(`after: job ${status.after.job} ${status.after.detail}`);
  const written = status.tasks.reduce((sum, t) => sum + t.rowsWritten, 0);
  lines.push(
    status.complete
      ? `dataset complete: ${status.manifest.n} rows`
      : `dataset partial: ${written} of ${status.manifest.n} rows written`,
  );
  return lines.join("\n");
}

/**
 * Poll until the dataset is complete; throws naming the failed tasks (or the finalising job) as soon as the dataset
 * cannot complete any more.
 */
export async function waitForDataset(
  dir: string,
  state: ClusterState,
  engine: ClusterEngine,
  options: { intervalMs: number; onPoll?: (status: ClusterStatus) => void },
): Promise<ClusterStatus> {
  for (;;) {
    const status = await clusterStatus(dir, state, engine);
    options.onPoll?.(status);
    if (status.complete) return status;
    const failed = status.tasks.filter((t) => t.phase === "failed");
    if (failed.length > 0) {
      throw new Error(
        `${failed.length === 1 ? "task" : "tasks"} ${failed.map((t) => `${t.index} (${t.detail})`).join(", ")} ` +
          `failed; logs in ${dir}/logs; run cluster submit again to resubmit what is missing`,
      );
    }
    if (status.tasks.every((t) => t.phase === "done") && status.finalise?.phase === "failed") {
      throw new Error(
        `the finalising job ${status.finalise.job} failed (${status.finalise.detail}); logs in ${dir}/logs; ` +
          `run cluster submit again to resubmit it`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
