/**
 * A run's results as plain files, for committing under docs/results/NAME/ (docs/RESULTS.md): the files
 * lib/runs/paths.ts's isResultFile names, copied with their paths into a new or empty folder.
 */
import { dirname, join, relative } from "node:path";
import { isNewOrEmpty } from "../data/atomic.ts";
import { EXPERIMENT_FILE, isResultFile } from "../runs/paths.ts";

/** Copy the run's result files into `out`; returns their paths, relative to both folders. */
export async function copyResults(run: string, out: string): Promise<string[]> {
  await Deno.stat(join(run, EXPERIMENT_FILE)).catch(() => {
    throw new Error(`${run} is not a run folder (no ${EXPERIMENT_FILE})`);
  });
  if (!(await isNewOrEmpty(out))) throw new Error(`${out} is not empty: give a new or empty folder for the results`);
  const paths: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && isResultFile(relative(run, path).split("\\").join("/"))) paths.push(relative(run, path));
    }
  };
  await walk(run);
  paths.sort();
  for (const path of paths) {
    await Deno.mkdir(join(out, dirname(path)), { recursive: true });
    await Deno.copyFile(join(run, path), join(out, path));
  }
  return paths;
}
