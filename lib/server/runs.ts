/**
 * Read-only access to experiment run folders under one root (layout: docs/runs.md). Run names are checked and
 * resolved paths must stay inside the root, so requests cannot leave it.
 */
import { join, resolve, sep } from "node:path";
import { withLiveStatus } from "../runs/folder.ts";
import { NAME_PATTERN as RUN_NAME } from "../runs/paths.ts";
import { BadRun, observationIds, readRecord } from "../runs/read.ts";
import { EXPERIMENT, type RunRecord } from "../runs/records.ts";
import type { ExperimentRecord } from "../runs/types.ts";
import { RunNotFound } from "./errors.ts";

export interface RunSummary {
  name: string;
  experiment?: ExperimentRecord;
  /** Why the run is bad (its experiment.json cannot be read), when it is. */
  problem?: string;
  modified: Date | null;
}

export class RunStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async list(): Promise<RunSummary[]> {
    const runs: RunSummary[] = [];
    for await (const entry of Deno.readDir(this.root)) {
      if (!entry.isDirectory || !RUN_NAME.test(entry.name)) continue;
      const stat = await Deno.stat(join(this.root, entry.name));
      const summary: RunSummary = { name: entry.name, modified: stat.mtime };
      try {
        summary.experiment = await this.experiment(entry.name);
      } catch (error) {
        if (!(error instanceof BadRun)) throw error;
        summary.problem = error.message;
      }
      runs.push(summary);
    }
    return runs.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The folder of run `name`, or RunNotFound (also for plain files and names that try to leave the root). */
  async dir(name: string): Promise<string> {
    if (!RUN_NAME.test(name)) throw new RunNotFound(`no run named ${JSON.stringify(name)}`);
    const dir = join(this.root, name);
    let real: string;
    try {
      real = await Deno.realPath(dir);
    } catch {
      throw new RunNotFound(`no run named ${JSON.stringify(name)}`);
    }
    const rootReal = await Deno.realPath(this.root);
    if (!real.startsWith(rootReal + sep)) throw new RunNotFound(`run ${name} lies outside the runs folder`);
    if (!(await Deno.stat(real)).isDirectory) throw new RunNotFound(`no run named ${JSON.stringify(name)}`);
    return real;
  }

  /** A run's experiment.json, a killed run's `running` read as `interrupted`; undefined when absent. */
  async experiment(name: string): Promise<ExperimentRecord | undefined> {
    return await withLiveStatus(await this.dir(name), await this.read(name, EXPERIMENT));
  }

  /** The ids of a run's observations, sorted; empty when it has none. */
  async observationIds(name: string): Promise<string[]> {
    return await observationIds(await this.dir(name), `run ${name}`);
  }

  /** A run's record, checked (BadRun with the reason when it is not as the pages need it); undefined when absent. */
  async read<T>(name: string, record: RunRecord<T>): Promise<T | undefined> {
    if (record.file.split("/").some((part) => !RUN_NAME.test(part))) throw new RunNotFound(`bad file ${record.file}`);
    return await readRecord(await this.dir(name), record, `run ${name}`);
  }
}
