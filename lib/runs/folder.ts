/**
 * What an experiment may write into, and a run folder's status as a reader sees it (docs/runs.md). An experiment
 * takes a new or empty folder, or resumes an unfinished run of the same settings; any other folder is refused
 * before anything is written. A run whose experiment.json says `running` while its process is gone reads as
 * `interrupted`.
 */
import { isDeepStrictEqual } from "node:util";
import { isNewOrEmpty } from "../data/atomic.ts";
import { isLockLive, readRunLock, runInUse } from "./lock.ts";
import { BadRun, readRecord } from "./read.ts";
import { EXPERIMENT } from "./records.ts";
import type { ExperimentRecord } from "./types.ts";

/** The settings that make two runs the same experiment: a resume must match all of them. */
export const IDENTITY_FIELDS = [
  "name",
  "model",
  "size",
  "summary",
  "flow",
  "noise",
  "theta_jitter",
  "seed",
  "budget",
  "dt_ms",
  "max_epochs",
] as const;

/** An experiment's settings as experiment.json records them (IDENTITY_FIELDS and more). */
export type ExperimentSettings = Record<string, unknown>;

/**
 * Read-only check of `dir` for an experiment with `wanted`'s settings: undefined for a new run (no folder, or an
 * empty one), the previous record for a run to resume; an error for anything else.
 */
export async function checkRunFolder(
  dir: string,
  wanted: ExperimentSettings,
): Promise<ExperimentRecord | undefined> {
  try {
    if (!(await Deno.stat(dir)).isDirectory) throw new Error(`${dir} is not a folder`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (await isNewOrEmpty(dir)) return undefined;
  let previous: ExperimentRecord | undefined;
  try {
    previous = await readRecord(dir, EXPERIMENT);
  } catch (error) {
    if (!(error instanceof BadRun)) throw error;
    throw new Error(`${dir}/${error.file} is unreadable (it ${error.reason}): give another --out`);
  }
  if (!previous) {
    throw new Error(`${dir} is not empty and holds no experiment run: give a new or empty folder as --out`);
  }
  if (previous.status === "complete") {
    throw new Error(`${dir} holds a complete run of ${previous.name}: give another --out (the run stays as it is)`);
  }
  const lock = await readRunLock(dir);
  if (lock && await isLockLive(lock)) throw new Error(runInUse(dir, lock));
  const differences = settingsDifferences(previous, wanted);
  if (differences.length > 0) {
    throw new Error(
      `${dir} holds another run (${differences.join("; ")}): give another --out, or the same options to resume it`,
    );
  }
  return previous;
}

/** Each identity field in which two runs' records differ, said as "field THERE there, HERE here". */
function settingsDifferences(previous: ExperimentRecord, wanted: ExperimentSettings): string[] {
  const there = previous as unknown as ExperimentSettings;
  return IDENTITY_FIELDS.filter((field) => !isDeepStrictEqual(there[field], wanted[field]))
    .map((field) => `${field} ${JSON.stringify(there[field])} there, ${JSON.stringify(wanted[field])} here`);
}

/** Whether `dir` holds a complete run of `wanted`'s settings (read only). */
export async function isCompleteRunOf(dir: string, wanted: ExperimentSettings): Promise<boolean> {
  const previous = await readRecord(dir, EXPERIMENT).catch(() => undefined);
  return previous?.status === "complete" && settingsDifferences(previous, wanted).length === 0;
}

/** `record` (a run's experiment.json) with `status` "interrupted" where it says running but its process is gone. */
export async function withLiveStatus<T extends { status?: string } | undefined>(dir: string, record: T): Promise<T> {
  if (record?.status !== "running") return record;
  const lock = await readRunLock(dir);
  return lock && await isLockLive(lock) ? record : { ...record, status: "interrupted" };
}
