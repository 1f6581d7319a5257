/**
 * A dataset folder's cluster bookkeeping, beside the dataset itself:
 *   cluster/state.json        what the tasks simulate, their row ranges, the resources and every submission's job ids
 *   cluster/task.sh, ...      the batch scripts of the latest submission
 *   cluster/tasks/NNNNN.json  one record per task, updated after each shard: seconds simulating, adapter, host
 *   logs/                     the jobs' output
 */
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic.ts";
import type { AdapterSummary } from "../gpu/runtime.ts";
import type { Resources } from "./engine.ts";
import type { TaskRange } from "./plan.ts";
import type { DatasetRecipe } from "./recipe.ts";

export const CLUSTER_FORMAT = "neurosbi-cluster/1";

export interface Submission {
  submitted: string;
  /** Array job of the tasks submitted this time (none when only the finaliser was). */
  array_job?: string;
  tasks: number[];
  finalise_job: string;
  /** A job run once the dataset is complete (experiment: training and checks). */
  after_job?: string;
}

export interface ClusterState {
  format: typeof CLUSTER_FORMAT;
  engine: string;
  recipe: DatasetRecipe;
  tasks: TaskRange[];
  resources: Resources;
  /** Command run once the dataset is complete, from the repository root. */
  after?: string[];
  submissions: Submission[];
}

export interface TaskRecord {
  index: number;
  rows: [number, number];
  /** Seconds simulating the shards it wrote, over all its runs (shards found complete cost none). */
  simulate_seconds: number;
  /** Of its latest run. */
  adapter: AdapterSummary;
  host: string;
  job?: string;
  /** Set once all its shards are written; until then the record is updated after each shard. */
  finished?: string;
}

export const clusterDir = (dir: string) => join(dir, "cluster");
export const logsDir = (dir: string) => join(dir, "logs");
const statePath = (dir: string) => join(clusterDir(dir), "state.json");
const taskRecordPath = (dir: string, index: number) =>
  join(clusterDir(dir), "tasks", `${String(index).padStart(5, "0")}.json`);

export async function readClusterState(dir: string): Promise<ClusterState | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(statePath(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const state = JSON.parse(text) as ClusterState;
  if (state?.format !== CLUSTER_FORMAT) throw new Error(`${statePath(dir)} is not a ${CLUSTER_FORMAT} file`);
  return state;
}

/** The state of a folder that must have been submitted to a cluster. */
export async function requireClusterState(dir: string): Promise<ClusterState> {
  const state = await readClusterState(dir);
  if (!state) throw new Error(`${dir} holds no cluster submission (no ${statePath(dir)}); run cluster submit`);
  return state;
}

export async function writeClusterState(dir: string, state: ClusterState): Promise<void> {
  await Deno.mkdir(clusterDir(dir), { recursive: true });
  await writeFileAtomic(statePath(dir), JSON.stringify(state, null, 2) + "\n");
}

export async function writeTaskRecord(dir: string, record: TaskRecord): Promise<void> {
  await Deno.mkdir(join(clusterDir(dir), "tasks"), { recursive: true });
  await writeFileAtomic(taskRecordPath(dir, record.index), JSON.stringify(record, null, 2) + "\n");
}

export async function readTaskRecord(dir: string, index: number): Promise<TaskRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(taskRecordPath(dir, index)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
