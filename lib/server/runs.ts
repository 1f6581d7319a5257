/**
 * Read-only access to experiment run folders under one root (layout: docs/runs.md). Run names are checked and
 * resolved paths must stay inside the root, so requests cannot leave it.
 */
import { join, resolve, sep } from "node:path";
import { withLiveStatus } from "../experiments/run_folder.ts";

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class RunNotFound extends Error {
  override name = "RunNotFound";
}

export interface RunSummary {
  name: string;
  experiment?: Record<string, unknown>;
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
      runs.push({ name: entry.name, experiment: await this.experiment(entry.name), modified: stat.mtime });
    }
    return runs.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The folder of run `name`, or RunNotFound (also for names that try to leave the root). */
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
    return real;
  }

  /** A run's experiment.json, a killed run's `running` read as `interrupted`; undefined when absent. */
  async experiment<T extends { status?: string } = Record<string, unknown>>(name: string): Promise<T | undefined> {
    return await withLiveStatus(await this.dir(name), await this.json<T>(name, "experiment.json"));
  }

  /** Names (without .json) of the JSON files in a run's sub-folder, sorted; empty when it does not exist. */
  async jsonNames(name: string, folder: string): Promise<string[]> {
    if (!RUN_NAME.test(folder)) throw new RunNotFound(`bad folder ${folder}`);
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(join(await this.dir(name), folder))) {
        const stem = entry.name.replace(/\.json$/, "");
        if (entry.isFile && stem !== entry.name && RUN_NAME.test(stem)) names.push(stem);
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return names.sort();
  }

  /** A run's JSON file (relative path of plain segments), or undefined when absent. */
  async json<T = Record<string, unknown>>(name: string, relative: string): Promise<T | undefined> {
    if (relative.split("/").some((part) => !RUN_NAME.test(part))) throw new RunNotFound(`bad file ${relative}`);
    const path = join(await this.dir(name), relative);
    try {
      return JSON.parse(await Deno.readTextFile(path)) as T;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw new Error(`${name}/${relative}: ${(error as Error).message}`);
    }
  }
}
