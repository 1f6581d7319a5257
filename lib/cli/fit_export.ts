/** `fit-export`: a finished model fit as samples.csv, predictive.csv and fit.json (lib/fit/export.ts). */
import { join } from "node:path";
import { assertWritableDir, isNewOrEmpty, writeFileAtomic } from "../data/atomic.ts";
import { bandLabel, exportFit } from "../fit/export.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { copyExperimentOf, fitExperiment } from "../fit/experiment_copy.ts";
import { readFit } from "../fit/records.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";

export interface FitExportArgs {
  fit: string;
  out: string;
  samples: number;
  predictive: number;
  seed: number;
  backend: BackendName;
}

export async function fitExportCommand(args: FitExportArgs): Promise<void> {
  const fit = await readFit(args.fit);
  if (!fit) throw new Error(`${args.fit} holds no fit (no fit.json)`);
  const target = fit.settings.target;
  if (!("model" in target)) {
    throw new Error(`${args.fit} is a fit of sbibm's ${target.task}: only a model's fit exports`);
  }
  await assertWritableDir(args.out);
  if (!(await isNewOrEmpty(args.out))) throw new Error(`${args.out} is not empty: give a new or empty folder as --out`);
  await useBackend(args.backend);
  const config = fitExperiment(args.fit, target.model);
  const model = config.simulator(target.dt_ms ?? config.dtMs);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  try {
    const result = await exportFit(runtime, args.fit, args);
    // Written only once everything is computed: an interrupted export leaves nothing behind.
    await Deno.mkdir(args.out, { recursive: true });
    await writeFileAtomic(join(args.out, "samples.csv"), result.samplesCsv);
    await writeFileAtomic(join(args.out, "predictive.csv"), result.predictiveCsv);
    await writeFileAtomic(join(args.out, "fit.json"), JSON.stringify(result.summary, null, 2) + "\n");
    await copyExperimentOf(args.fit, target.model, args.out);
    const { predictive_median_rmse: rmse, x_unit: unit, residual_by_band: bands } = result.summary;
    console.log(
      `${args.out}: ${args.samples} posterior draws, ${args.predictive} simulated; predictive median RMSE ` +
        `${rmse.toPrecision(3)}${unit ? ` ${unit}` : ""}; by band: ` +
        bands!.map((b) => `${bandLabel(b)} ${b.residual_rms.toFixed(2)}`).join(", "),
    );
  } finally {
    runtime.destroy();
  }
}
