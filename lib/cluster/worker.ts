/** What the cluster's jobs run: one array task's shards, and the finalising of the whole dataset. */
import { hostname } from "node:os";
import { finaliseDataset, openDataset, readManifest, simulateShards } from "../data/dataset.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { recipeSimulator } from "./recipe.ts";
import { readTaskRecord, requireClusterState, writeTaskRecord } from "./state.ts";

/** Simulate task `index`'s shards of the dataset in dir (resuming any it wrote before). */
export async function runTask(dir: string, index: number, log: (message: string) => void): Promise<void> {
  const state = await requireClusterState(dir);
  const task = state.tasks[index];
  if (!task) throw new Error(`${dir} has tasks 0–${state.tasks.length - 1}, not ${index}`);
  const written = await readManifest(dir);
  if (!written) throw new Error(`${dir} holds no dataset manifest`);
  const model = recipeSimulator(state.recipe);
  const options = { model, n: written.n, seed: written.seed, shardSize: written.shard_size, dir };
  const manifest = await openDataset(options);
  if (manifest.status === "complete") return log(`${dir} is already complete; nothing to do`);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits, notice: log });
  try {
    if (state.resources.gpusPerTask > 0 && runtime.adapterSummary.fallback) {
      // A GPU node whose driver WebGPU cannot reach would simulate on the CPU, slowly and not bit for bit alike.
      throw new Error(
        `task ${index} was given a GPU but WebGPU found only the software adapter ` +
          `(${runtime.adapterSummary.description}): check the node's Vulkan driver`,
      );
    }
    log(`task ${index}: rows ${task.rows[0]}–${task.rows[1]} on ${runtime.adapterSummary.description}`);
    let seconds = 0;
    await simulateShards({ ...options, runtime, log }, manifest, task.shards[0], task.shards[1], (s) => {
      seconds += s;
      log(`task ${index}: shard written (${s.toFixed(1)} s)`);
      return Promise.resolve();
    });
    await writeTaskRecord(dir, {
      index,
      rows: task.rows,
      simulate_seconds: seconds,
      adapter: runtime.adapterSummary,
      host: hostname(),
      job: Deno.env.get("SLURM_ARRAY_JOB_ID") ? `${Deno.env.get("SLURM_ARRAY_JOB_ID")}_${index}` : undefined,
      finished: new Date().toISOString(),
    });
  } finally {
    runtime.destroy();
  }
}

/** Check that every task wrote its shards, then assemble the dataset with the tasks' adapter and timings. */
export async function finaliseTasks(dir: string, log: (message: string) => void): Promise<void> {
  const state = await requireClusterState(dir);
  const records = await Promise.all(state.tasks.map((t) => readTaskRecord(dir, t.index)));
  const adapters = new Set(records.map((r) => r?.adapter.description).filter(Boolean));
  if (adapters.size > 1) {
    // Rows from different adapters need not match a single machine's bit for bit.
    log(`warning: the tasks ran on different adapters: ${[...adapters].join(", ")}`);
  }
  const manifest = await finaliseDataset(dir, {
    adapter: records.find((r) => r)?.adapter,
    simulateSeconds: records.reduce((sum, r) => sum + (r?.simulate_seconds ?? 0), 0),
  });
  log(`${dir}: complete, ${manifest.n} rows (${manifest.nonfinite_rows ?? 0} non-finite)`);
}
