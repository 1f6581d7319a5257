/** A run's conditioned observations: the one its waveform and posterior pages show, and the compare page's two. */
import type { WaveformAxis } from "../experiments/recordings.ts";
import { readFit } from "../fit/records.ts";
import type { PredictiveBands } from "../plots/posterior.ts";
import type { ParameterSpec } from "../prior.ts";
import { DATASET_MANIFEST, observationRecord } from "./run_records.ts";
import { NotFound, type RouteContext } from "./route.ts";
import type { RunStore } from "./runs.ts";

/** `observations/<id>.json` in a run folder (docs/runs.md). */
export interface ObservationRecord {
  label: string;
  times_ms: number[];
  x: number[];
  /** Posterior samples in the prior's units, rows of the prior's dimension. */
  samples: number[][];
  theta_true?: number[];
  predictive?: PredictiveBands & { smoothing_ms?: number };
  /** Older records: the y label only. */
  units?: string;
  waveform_axis?: WaveformAxis;
  /** What a recorded observation was made from: a waveform file, or MEG beta events (lib/experiments/recordings.ts). */
  recording?: {
    path?: string;
    beta_meg_subjects?: number[];
    trough_bin_nam?: [number, number];
    n_events?: number;
  };
}

export interface ObservationView {
  ids: string[];
  id?: string;
  observation?: ObservationRecord;
  prior?: ParameterSpec[];
}

/** Observation `id` of `run` (the first one when not given); NotFound for an id the run does not have. */
export async function readObservation(store: RunStore, run: string, id?: string): Promise<ObservationView> {
  await store.dir(run);
  const ids = await store.jsonNames(run, "observations");
  id ??= ids[0];
  if (id === undefined) return { ids };
  if (!ids.includes(id)) throw new NotFound(`run ${run} has no observation ${JSON.stringify(id)}`);
  const observation = await store.read(run, observationRecord(id));
  const manifest = await store.read(run, DATASET_MANIFEST);
  // A fit folder (lib/fit/records.ts) has no dataset: its fit.json names the prior.
  const prior = manifest?.prior ?? (await readFit(await store.dir(run)).catch(() => undefined))?.parameters;
  return { ids, id, observation, prior };
}

/** The observation a page shows: `?obs=<id>` or the run's first. */
export function loadObservation({ params, url, store }: RouteContext): Promise<ObservationView> {
  return readObservation(store, params.run, url.searchParams.get("obs") ?? undefined);
}
