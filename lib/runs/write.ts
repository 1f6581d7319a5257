/**
 * Writing a run folder's records: checked against the schema its readers use, stamped with the record version, and
 * written atomically (a temporary file renamed into place), so a reader sees the old record or the new one, whole.
 */
import { dirname } from "node:path";
import { writeFileAtomic } from "../data/atomic.ts";
import { runPath } from "./paths.ts";
import { BadRun, checkRecord } from "./read.ts";
import type { RunRecord } from "./records.ts";
import { RUN_RECORD_VERSION } from "./types.ts";

/** The file's text of `value` as `record` (version first where the record has one); `path` names it in errors. */
export function recordText<T>(record: RunRecord<T>, value: T, path = record.file): string {
  const stamped = record.versioned ? { version: RUN_RECORD_VERSION, ...value } : value;
  // A writer's mistake is caught here, before anything is written, rather than by a reader later.
  try {
    checkRecord(stamped, record, path);
  } catch (error) {
    if (error instanceof BadRun) throw new Error(`cannot write ${path}: ${error.reason}`);
    throw error;
  }
  return JSON.stringify(stamped, null, record.indented ? 2 : undefined) + "\n";
}

/** Write `value` as `record` into the run folder `dir` (its sub-folder made when needed). */
export async function writeRecord<T>(dir: string, record: RunRecord<T>, value: T): Promise<void> {
  const path = runPath(dir, record.file);
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, recordText(record, value, path));
}

/** Write `value` as `record` to a file of the user's choosing (`condition --out`, `diagnose --out`). */
export async function writeRecordFile<T>(path: string, record: RunRecord<T>, value: T): Promise<void> {
  await writeFileAtomic(path, recordText(record, value, path));
}
