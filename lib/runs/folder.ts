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
  if (await isFreshFolder(dir)) return undefined;
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
  await assertNotInUse(dir);
  const differences = settingsDifferences(previous, wanted);
  if (differences.length > 0) {
    throw new Error(
      `${dir} holds another run (${differences.join("; ")}): give another --out, or the same options to resume it`,
    );
  }
  return previous;
}

/** Each identity field in which two runs' records differ. */
function settingsDifferences(previous: ExperimentRecord, wanted: ExperimentSettings): string[] {
  return fieldDifferences(previous as unknown as ExperimentSettings, wanted, IDENTITY_FIELDS);
}

/** Each of `fields` in which a folder's recorded settings and the asked-for ones differ, as "field THERE there, HERE here". */
export function fieldDifferences(
  there: Record<string, unknown>,
  here: Record<string, unknown>,
  fields: readonly string[],
): string[] {
  return fields.filter((field) => !isDeepStrictEqual(there[field], here[field]))
    .map((field) => `${field} ${JSON.stringify(there[field])} there, ${JSON.stringify(here[field])} here`);
}

/** Whether `dir` is absent or empty, so a new run or fit may start there; a path that is not a folder is an error. */
export async function isFreshFolder(dir: string): Promise<boolean> {
  try {
    if (!(await Deno.stat(dir)).isDirectory) throw new Error(`${dir} is not a folder`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
  return await isNewOrEmpty(dir);
}

/** Refuses `dir` while a live process holds its lock. */
export async function assertNotInUse(dir: string): Promise<void> {
  const lock = await readRunLock(dir);
  if (lock && await isLockLive(lock)) throw new Error(runInUse(dir, lock));
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
