/**
 * `export`: a run's report as files — every figure as SVG and each observation's posterior samples as CSV, the
 * same files the report's download links serve. Written into a fresh folder that appears complete or not at all.
 */
import { basename, dirname, join, resolve } from "node:path";
import { assertWritableDir, isNewOrEmpty } from "../data/atomic.ts";
import { loadRunReport, runFigures, samplesCsv } from "../plots/run_figures.ts";
import { RunNotFound } from "../server/errors.ts";
import { RunStore } from "../server/runs.ts";

/** File name → contents of everything a run exports. */
export async function exportFiles(runDir: string): Promise<Map<string, string>> {
  const dir = resolve(runDir);
  const store = new RunStore(dirname(dir)), run = basename(dir);
  let report;
  try {
    report = await loadRunReport(store, run);
  } catch (error) {
    if (error instanceof RunNotFound) throw new Error(`${runDir} is not a run folder`);
    throw error;
  }
  const files = new Map<string, string>();
  for (const figure of runFigures(report)) files.set(`${figure.name}.svg`, figure.render());
  const prior = report.manifest?.prior;
  if (prior) {
    for (const { id, record } of report.observations) {
      files.set(`samples-${id}.csv`, samplesCsv(prior, record.samples));
    }
  }
  if (files.size === 0) {
    throw new Error(`${runDir} has nothing to export yet (no training, diagnostics or observations)`);
  }
  return files;
}

export async function exportCommand(args: { run: string; out: string }): Promise<void> {
  if (!(await isNewOrEmpty(args.out))) throw new Error(`--out ${args.out} must be a new or empty folder`);
  await assertWritableDir(args.out);
  const files = await exportFiles(args.run);
  // Written beside the target, then renamed into place: an interrupted export leaves no half-filled folder.
  const out = resolve(args.out);
  await Deno.mkdir(dirname(out), { recursive: true });
  const staging = await Deno.makeTempDir({ dir: dirname(out), prefix: `.${basename(out)}.` });
  try {
    for (const [name, text] of files) await Deno.writeTextFile(join(staging, name), text);
    await Deno.remove(out).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    await Deno.rename(staging, out);
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw error;
  }
  console.log(`wrote ${files.size} files to ${args.out}`);
}
