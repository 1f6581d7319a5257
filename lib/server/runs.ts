/**
 * Read-only access to experiment run folders under one root (layout: docs/runs.md). Run names are checked and
 * resolved paths must stay inside the root, so requests cannot leave it.
 */
import { join, resolve, sep } from "node:path";
import { withLiveStatus } from "../experiments/run_folder.ts";
import type { ExperimentRecord } from "./overview.tsx";
import { EXPERIMENT, firstIssue, type RunRecord } from "./run_records.ts";

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class RunNotFound extends Error {
  override name = "RunNotFound";
}

/** A run whose files cannot be read as the report needs them; the message names the file and the reason. */
export class BadRun extends Error {
  override name = "BadRun";
}

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

  /** Names (without .json) of the JSON files in a run's sub-folder, sorted; empty when it does not exist. */
  async jsonNames(name: string, folder: string): Promise<string[]> {
    if (!RUN_NAME.test(folder)) throw new RunNotFound(`bad folder ${folder}`);
    const path = join(await this.dir(name), folder);
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(path)) {
        const stem = entry.name.replace(/\.json$/, "");
        if (entry.isFile && stem !== entry.name && RUN_NAME.test(stem)) names.push(stem);
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw new BadRun(`run ${name}: cannot list ${folder} (${(error as Error).message})`);
    }
    return names.sort();
  }

  /** A run's record, checked (BadRun with the reason when it is not as the pages need it); undefined when absent. */
  async read<T>(name: string, record: RunRecord<T>): Promise<T | undefined> {
    const { file, schema } = record;
    if (file.split("/").some((part) => !RUN_NAME.test(part))) throw new RunNotFound(`bad file ${file}`);
    const path = join(await this.dir(name), file);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw new BadRun(`run ${name}: cannot read ${file} (${(error as Error).message})`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new BadRun(`run ${name}: ${file} is not valid JSON (${(error as Error).message})`);
    }
    const checked = schema.safeParse(value);
    if (!checked.success) throw new BadRun(`run ${name}: ${file} is not a valid record (${firstIssue(checked.error)})`);
    return value as T;
  }
}
