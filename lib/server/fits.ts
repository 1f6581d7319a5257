/**
 * Fit folders (`fit --out`, lib/fit/records.ts) among the runs the report serves: listed beside experiment runs,
 * read through the run store so that names cannot leave its root, and a killed fit's `running` read as
 * `interrupted`.
 */
import {
  FIT_FILE,
  type FitObservationRecord,
  type FitRecord,
  type FitSettings,
  readFit,
  readObservation,
  readRounds,
  type RoundRecord,
} from "../fit/records.ts";
import { fitExperiment } from "../fit/experiment_copy.ts";
import { withLiveStatus } from "../runs/folder.ts";
import { BadRun } from "../runs/read.ts";
import { RunNotFound, type RunStore } from "../runs/store.ts";

export interface FitView {
  name: string;
  fit: FitRecord;
  observation?: FitObservationRecord;
  rounds: RoundRecord[];
  /** The Hamming window (ms) smoothing a model's x; absent for an sbibm task or a model whose x is not smoothed. */
  smoothingMs?: number;
}

/** The fit in run folder `name`; RunNotFound when it holds none, BadRun when its files cannot be read. */
export async function loadFit(store: RunStore, name: string): Promise<FitView> {
  const dir = await store.dir(name);
  try {
    const fit = await readFit(dir);
    if (!fit) throw new RunNotFound(`run ${name} holds no fit`);
    return {
      name,
      fit: await withLiveStatus(dir, fit),
      observation: await readObservation(dir),
      rounds: await readRounds(dir),
      smoothingMs: smoothingOf(dir, fit.settings.target),
    };
  } catch (error) {
    if (error instanceof RunNotFound || error instanceof BadRun) throw error;
    throw new BadRun(name, FIT_FILE, (error as Error).message);
  }
}

/** The window smoothing a model fit's x, the model as the fit ran it; undefined for an sbibm task's fit. */
function smoothingOf(dir: string, target: FitSettings["target"]): number | undefined {
  if (!("model" in target)) return undefined;
  const config = fitExperiment(dir, target.model);
  return config.simulator(target.dt_ms ?? config.dtMs).smoothMs;
}

/** Every fit among the runs, by name; folders that hold none are left out. */
export async function listFits(store: RunStore): Promise<FitView[]> {
  const fits: FitView[] = [];
  for (const run of await store.list()) {
    if (run.experiment) continue;
    try {
      fits.push(await loadFit(store, run.name));
    } catch (error) {
      if (!(error instanceof RunNotFound || error instanceof BadRun)) throw error;
    }
  }
  return fits;
}
