/**
 * How far a run folder has come and what is left, read from its files alone (no GPU, no lock taken): the lines a
 * time-budgeted step (`experiment --time-budget`) prints when it stops.
 */
import { missingShards, readManifest, shardCount } from "../data/dataset.ts";
import { withLiveStatus } from "../runs/folder.ts";
import {
  CHECKPOINT_FILE,
  DATASET_DIR,
  DIAGNOSTICS,
  diagnosticsFile,
  EXPERIMENT_FILE,
  runPath,
  TRAINING_FILE,
} from "../runs/paths.ts";
import { observationIds, readRecord } from "../runs/read.ts";
import { EXPERIMENT, RECOVERY_PROGRESS, SBC_PROGRESS } from "../runs/records.ts";

export interface RunProgress {
  /** experiment.json's status as the report shows it (`interrupted` for a run whose process is gone). */
  status: string;
  dataset: { networks: number; done: number; shards: number; shardsDone: number } | undefined;
  training: "not started" | "checkpointed" | "done";
  checksDone: string[];
  checksLeft: string[];
  /** SBC and coverage's pairs checked so far, while they run. */
  sbcPairsDone: number | undefined;
  /** Points of the recovery grid checked so far, while it runs. */
  gridPointsDone: number | undefined;
  observations: number;
}

export async function readRunProgress(dir: string): Promise<RunProgress> {
  const experiment = await readRecord(dir, EXPERIMENT);
  if (!experiment) throw new Error(`${dir} holds no experiment run (no ${EXPERIMENT_FILE})`);
  const record = await withLiveStatus(dir, experiment);
  const exists = (file: string) => Deno.stat(runPath(dir, file)).then(() => true, () => false);
  const datasetDir = runPath(dir, DATASET_DIR);
  const manifest = await readManifest(datasetDir);
  let dataset: RunProgress["dataset"];
  if (manifest) {
    const shards = shardCount(manifest);
    const missing = manifest.status === "complete" ? [] : await missingShards(datasetDir, manifest);
    const rowsMissing = missing.reduce(
      (sum, s) => sum + Math.min(manifest.shard_size, manifest.n - s * manifest.shard_size),
      0,
    );
    dataset = { networks: manifest.n, done: manifest.n - rowsMissing, shards, shardsDone: shards - missing.length };
  }
  const training = await exists(TRAINING_FILE)
    ? "done"
    : await exists(CHECKPOINT_FILE)
    ? "checkpointed"
    : "not started";
  const done = await Promise.all(DIAGNOSTICS.map((c) => exists(diagnosticsFile(c))));
  return {
    status: record.status,
    dataset,
    training,
    checksDone: DIAGNOSTICS.filter((_, i) => done[i]),
    checksLeft: DIAGNOSTICS.filter((_, i) => !done[i]),
    sbcPairsDone: (await readRecord(dir, SBC_PROGRESS))?.pairs.length,
    gridPointsDone: (await readRecord(dir, RECOVERY_PROGRESS))?.points.length,
    observations: (await observationIds(dir)).length,
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
    (p.sbcPairsDone === undefined ? "" : ` (SBC and coverage: ${n(p.sbcPairsDone)} pairs so far)`) +
    (p.gridPointsDone === undefined ? "" : ` (the recovery grid: ${n(p.gridPointsDone)} points so far)`) +
    `; ${p.observations} observations`,
    `left: ${left}`,
  ];
}
