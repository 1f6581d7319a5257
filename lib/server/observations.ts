/** The observation a run's waveform and posterior pages show: `?obs=<id>` or the first one. */
import type { PredictiveBands } from "../plots/posterior.ts";
import type { ParameterSpec } from "../prior.ts";
import { NotFound, type RouteContext } from "./route.ts";

/** `observations/<id>.json` in a run folder (docs/runs.md). */
export interface ObservationRecord {
  label: string;
  times_ms: number[];
  x: number[];
  /** Posterior samples in the prior's units, rows of the prior's dimension. */
  samples: number[][];
  theta_true?: number[];
  predictive?: PredictiveBands & { smoothing_ms?: number };
  units?: string;
}

export interface ObservationView {
  ids: string[];
  id?: string;
  observation?: ObservationRecord;
  prior?: ParameterSpec[];
}

export async function loadObservation({ params, url, store }: RouteContext): Promise<ObservationView> {
  const run = params.run;
  await store.dir(run);
  const ids = await store.jsonNames(run, "observations");
  const id = url.searchParams.get("obs") ?? ids[0];
  if (id === undefined) return { ids };
  if (!ids.includes(id)) throw new NotFound(`run ${run} has no observation ${JSON.stringify(id)}`);
  const observation = await store.json<ObservationRecord>(run, `observations/${id}.json`);
  const manifest = await store.json<{ prior: ParameterSpec[] }>(run, "dataset/manifest.json");
  return { ids, id, observation, prior: manifest?.prior };
}
