/**
 * Fit folders (`fit --out`, lib/fit/records.ts) among the runs the report serves: listed beside experiment runs,
 * read through the run store so that names cannot leave its root, and a killed fit's `running` read as
 * `interrupted`.
 */
import {
  FIT_FILE,
  type FitObservationRecord,
  type FitRecord,
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
    };
  } catch (error) {
    if (error instanceof RunNotFound || error instanceof BadRun) throw error;
    throw new BadRun(name, FIT_FILE, (error as Error).message);
  }
}

/**
 * The Hamming window (ms) smoothing a model fit's x, the model as the fit ran it (its page's misfit bands; built there
 * only, not for every fit the index lists); undefined for an sbibm task's fit or a model whose x is not smoothed.
 */
export async function fitSmoothingMs(store: RunStore, view: FitView): Promise<number | undefined> {
  const target = view.fit.settings.target;
  if (!("model" in target)) return undefined;
  try {
    const config = fitExperiment(await store.dir(view.name), target.model);
    return config.simulator(target.dt_ms ?? config.dtMs).smoothMs;
  } catch (error) {
    throw new BadRun(view.name, FIT_FILE, (error as Error).message);
  }
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
