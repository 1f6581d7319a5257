/**
 * How far a run folder has come and what is left, read from its files alone (no GPU, no lock taken): the lines a
 * time-budgeted step (`experiment --time-budget`) prints when it stops.
 */
import { join } from "node:path";
import { missingShards, readManifest, shardCount } from "../data/dataset.ts";
import { withLiveStatus } from "./run_folder.ts";
import {
  DATASET_DIR,
  DIAGNOSTICS_DIR,
  EXPERIMENT_RECORD,
  GRID_PROGRESS,
  OBSERVATIONS_DIR,
  TRAINING_CHECKPOINT,
  TRAINING_RECORD,
} from "./run_files.ts";

/** The diagnostics a run writes, in the order it writes them (run.ts). */
const CHECKS = ["sbc", "coverage", "recovery", "overlap"] as const;

export interface RunProgress {
  /** experiment.json's status as the report shows it (`interrupted` for a run whose process is gone). */
  status: string;
  dataset: { networks: number; done: number; shards: number; shardsDone: number } | undefined;
  training: "not started" | "checkpointed" | "done";
  checksDone: string[];
  checksLeft: string[];
  /** Points of the recovery grid checked so far, while it runs. */
  gridPointsDone: number | undefined;
  observations: number;
}

export async function readRunProgress(dir: string): Promise<RunProgress> {
  const record = await withLiveStatus(
    dir,
    await Deno.readTextFile(join(dir, EXPERIMENT_RECORD)).then((t) => JSON.parse(t) as { status?: string }, () => {
      throw new Error(`${dir} holds no experiment run (no ${EXPERIMENT_RECORD})`);
    }),
  );
  const exists = (path: string) => Deno.stat(join(dir, path)).then(() => true, () => false);
  const manifest = await readManifest(join(dir, DATASET_DIR));
  let dataset: RunProgress["dataset"];
  if (manifest) {
    const shards = shardCount(manifest);
    const missing = manifest.status === "complete" ? [] : await missingShards(join(dir, DATASET_DIR), manifest);
    const rowsMissing = missing.reduce(
      (sum, s) => sum + Math.min(manifest.shard_size, manifest.n - s * manifest.shard_size),
      0,
    );
    dataset = { networks: manifest.n, done: manifest.n - rowsMissing, shards, shardsDone: shards - missing.length };
  }
  const training = await exists(TRAINING_RECORD)
    ? "done"
    : await exists(TRAINING_CHECKPOINT)
    ? "checkpointed"
    : "not started";
  const done = await Promise.all(CHECKS.map((c) => exists(join(DIAGNOSTICS_DIR, `${c}.json`))));
  const gridPointsDone = await Deno.readTextFile(join(dir, GRID_PROGRESS))
    .then((text) => (JSON.parse(text) as { points: unknown[] }).points.length, () => undefined);
  let observations = 0;
  try {
    for await (const entry of Deno.readDir(join(dir, OBSERVATIONS_DIR))) {
      if (entry.name.endsWith(".json")) observations++;
    }
  } catch {
    // No observation conditioned yet.
  }
  return {
    status: record.status ?? "unknown",
    dataset,
    training,
    checksDone: CHECKS.filter((_, i) => done[i]),
    checksLeft: CHECKS.filter((_, i) => !done[i]),
    gridPointsDone,
    observations,
  };
}

/** The progress as lines for a person: what is done, and what the next steps have left. */
export function describeRunProgress(p: RunProgress): string[] {
  const n = (v: number) => v.toLocaleString("en-US");
  const dataset = p.dataset
    ? `${n(p.dataset.done)} of ${
      n(p.dataset.networks)
    } networks (${p.dataset.shardsDone} of ${p.dataset.shards} shards)`
    : "not started";
  const training = {
    "not started": "not started",
    checkpointed: "under way (resumes from its checkpoint)",
    done: "done",
  }[p.training];
  const left = p.status === "complete" ? "nothing" : [
    ...(p.dataset?.done === p.dataset?.networks && p.dataset ? [] : ["the dataset"]),
    ...(p.training === "done" ? [] : ["training"]),
    ...(p.checksLeft.length ? [`the checks (${p.checksLeft.join(", ")}) and observations`] : []),
  ].join(", ") || "the end of the run";
  return [
    `status: ${p.status}`,
    `dataset: ${dataset}`,
    `training: ${training}`,
    `checks: ${p.checksDone.length ? p.checksDone.join(", ") : "none"} written` +
    (p.gridPointsDone === undefined ? "" : ` (the recovery grid: ${n(p.gridPointsDone)} points so far)`) +
    `; ${p.observations} observations`,
    `left: ${left}`,
  ];
}
