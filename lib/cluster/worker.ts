/** What the cluster's jobs run: one array task's shards, and the finalising of the whole dataset. */
import { hostname } from "node:os";
import { finaliseDataset, readManifest, simulateShards } from "../data/dataset.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { recipeSimulator } from "./recipe.ts";
import { readTaskRecord, requireClusterState, type TaskRecord, writeTaskRecord } from "./state.ts";

/**
 * Simulate task `index`'s shards of the dataset in dir (resuming any it wrote before). The task draws only its own
 * rows' θ and leaves the manifest alone: its time goes into its own record, after every shard, for the finaliser.
 */
export async function runTask(dir: string, index: number, log: (message: string) => void): Promise<void> {
  const state = await requireClusterState(dir);
  const task = state.tasks[index];
  if (!task) throw new Error(`${dir} has tasks 0–${state.tasks.length - 1}, not ${index}`);
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${dir} holds no dataset manifest`);
  if (manifest.status === "complete") return log(`${dir} is already complete; nothing to do`);
  const model = recipeSimulator(state.recipe);
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
    const arrayJob = Deno.env.get("SLURM_ARRAY_JOB_ID");
    // An earlier run of this task that was cut short keeps the time it spent.
    const record: TaskRecord = {
      index,
      rows: task.rows,
      simulate_seconds: (await readTaskRecord(dir, index))?.simulate_seconds ?? 0,
      adapter: runtime.adapterSummary,
      host: hostname(),
      job: arrayJob ? `${arrayJob}_${index}` : undefined,
    };
    await simulateShards({
      model,
      runtime,
      dir,
      first: task.shards[0],
      end: task.shards[1],
      log,
      onShardWritten: async (seconds) => {
        record.simulate_seconds += seconds;
        log(`task ${index}: shard written (${seconds.toFixed(1)} s)`);
        await writeTaskRecord(dir, record);
      },
    });
    await writeTaskRecord(dir, { ...record, finished: new Date().toISOString() });
  } finally {
    runtime.destroy();
  }
}

/** Check that every task wrote its shards, then assemble the dataset with the tasks' adapter and summed timings. */
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
