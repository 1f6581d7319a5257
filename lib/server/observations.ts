/** A run's conditioned observations: the one its waveform and posterior pages show, and the compare page's two. */
import { readFit, reportBox } from "../fit/records.ts";
import type { BoxParameter } from "../prior/schema.ts";
import { DATASET_MANIFEST, observationRecord } from "../runs/records.ts";
import type { ObservationRecord } from "../runs/types.ts";
import { NotFound } from "./errors.ts";
import type { RouteContext } from "./route.ts";
import type { RunStore } from "../runs/store.ts";

export interface ObservationView {
  ids: string[];
  id?: string;
  observation?: ObservationRecord;
  prior?: BoxParameter[];
}

/** Observation `id` of `run` (the first one when not given); NotFound for an id the run does not have. */
export async function readObservation(store: RunStore, run: string, id?: string): Promise<ObservationView> {
  await store.dir(run);
  const ids = await store.observationIds(run);
  id ??= ids[0];
  if (id === undefined) return { ids };
  if (!ids.includes(id)) throw new NotFound(`run ${run} has no observation ${JSON.stringify(id)}`);
  const observation = await store.read(run, observationRecord(id));
  const manifest = await store.read(run, DATASET_MANIFEST);
  // A fit folder (lib/fit/records.ts) has no dataset: its fit.json names the prior.
  const fitted = manifest ? undefined : (await readFit(await store.dir(run)).catch(() => undefined))?.parameters;
  const prior = manifest?.prior ?? (fitted && reportBox(fitted));
  return { ids, id, observation, prior };
}

/** The observation a page shows: `?obs=<id>` or the run's first. */
export function loadObservation({ params, url, store }: RouteContext): Promise<ObservationView> {
  return readObservation(store, params.run, url.searchParams.get("obs") ?? undefined);
}
