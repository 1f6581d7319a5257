/** Validated reading of a run folder's records: a record reads as its schema says, or BadRun names file and reason. */
import { firstIssue, type RunRecord } from "./records.ts";
import { RUN_RECORD_VERSION } from "./types.ts";
import { NAME_PATTERN, OBSERVATIONS_DIR, runPath } from "./paths.ts";

/** A run's file that cannot be read as its record: the message names the run, the file and the reason. */
export class BadRun extends Error {
  override name = "BadRun";
  constructor(readonly run: string, readonly file: string, readonly reason: string) {
    super(`${run}: ${file} ${reason}`);
  }
}

/**
 * The record `record` of the run folder `dir`, checked; undefined when the file is absent. `run` names the run in
 * errors (the folder by default).
 */
export async function readRecord<T>(dir: string, record: RunRecord<T>, run = dir): Promise<T | undefined> {
  const { file } = record;
  let text: string;
  try {
    text = await Deno.readTextFile(runPath(dir, file));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new BadRun(run, file, `cannot be read (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRun(run, file, `is not valid JSON (${(error as Error).message})`);
  }
  return checkRecord(value, record, run);
}

/** `value` checked as `record` (a missing version read as 1); BadRun with the first problem when it is not one. */
export function checkRecord<T>(value: unknown, record: RunRecord<T>, run: string): T {
  const version = (value as { version?: unknown } | null)?.version;
  if (record.versioned && version !== undefined && version !== RUN_RECORD_VERSION) {
    const reason = `is version ${JSON.stringify(version)}, which this neurosbi does not read`;
    throw new BadRun(run, record.file, `${reason} (it reads version ${RUN_RECORD_VERSION})`);
  }
  const checked = record.schema.safeParse(value);
  if (!checked.success) throw new BadRun(run, record.file, `is not a valid record (${firstIssue(checked.error)})`);
  return (record.versioned ? { ...checked.data as object, version: RUN_RECORD_VERSION } : checked.data) as T;
}

/** Like readRecord, but a missing file is an error too: `what` says what it holds ("fitted summary"). */
export async function requireRecord<T>(dir: string, record: RunRecord<T>, what: string, run = dir): Promise<T> {
  const value = await readRecord(dir, record, run);
  if (value === undefined) throw new BadRun(run, record.file, `is missing: the run has no ${what} yet`);
  return value;
}

/** The ids of the run's observations (`observations/<id>.json`), sorted; empty when there are none. */
export async function observationIds(dir: string, run = dir): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const entry of Deno.readDir(runPath(dir, OBSERVATIONS_DIR))) {
      const id = entry.name.replace(/\.json$/, "");
      if (entry.isFile && id !== entry.name && NAME_PATTERN.test(id)) ids.push(id);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new BadRun(run, OBSERVATIONS_DIR, `cannot be listed (${(error as Error).message})`);
  }
  return ids.sort();
}
