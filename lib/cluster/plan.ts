/**
 * How a dataset's rows are split over the tasks of a job array: each task takes a contiguous run of whole shards,
 * so it writes exactly the shard files a single machine would, and every row keeps its own seed.
 */
import { DEFAULT_SHARD_SIZE } from "../data/dataset.ts";

export interface TaskRange {
  index: number;
  /** Shards [from, to) of the dataset. */
  shards: [number, number];
  /** Rows [from, to) of the dataset. */
  rows: [number, number];
}

/** Rows per shard for n rows over `tasks` tasks: at most the single-machine default, and at least one shard a task. */
export function clusterShardSize(n: number, tasks: number): number {
  return Math.min(DEFAULT_SHARD_SIZE, Math.ceil(n / tasks));
}

/** Split n rows in shards of shardSize over `tasks` tasks, as evenly as whole shards allow. */
export function planTasks(n: number, shardSize: number, tasks: number): TaskRange[] {
  if (tasks > n) throw new Error(`--tasks ${tasks} exceeds --sims ${n}: every task needs at least one row`);
  const shards = Math.ceil(n / shardSize);
  if (tasks > shards) {
    throw new Error(`--tasks ${tasks} exceeds the ${shards} shards of ${shardSize} rows: give a smaller --shard-size`);
  }
  return Array.from({ length: tasks }, (_, index) => {
    const from = Math.floor((index * shards) / tasks), to = Math.floor(((index + 1) * shards) / tasks);
    return { index, shards: [from, to], rows: [from * shardSize, Math.min(to * shardSize, n)] };
  });
}
