/**
 * Runs conditioned on MEG beta events (the beta experiment's recordings, experiments/beta.json): per run, the
 * observations made from one set of subjects' events, one per trough amplitude bin, for the events pages to link
 * the compare page to. Runs and observations that are not valid records are left out (the index shows them as bad).
 */
import { BadRun } from "../runs/read.ts";
import { observationRecord } from "../runs/records.ts";
import type { RunStore } from "./runs.ts";

export interface EventPosteriors {
  run: string;
  subjects: number[];
  /** The observations, deepest trough bin first: ids, labels and event counts. */
  bins: { id: string; label: string; trough_bin_nam: [number, number]; n_events: number }[];
}

/** Every run's posteriors conditioned on binned beta events of a set of subjects that includes `subject`. */
export async function eventPosteriors(store: RunStore, subject: number): Promise<EventPosteriors[]> {
  const found: EventPosteriors[] = [];
  for (const { name, problem } of await store.list()) {
    if (problem) continue;
    const bySubjects = new Map<string, EventPosteriors>();
    for (const id of await store.observationIds(name).catch(skipBad([]))) {
      const record = await store.read(name, observationRecord(id)).catch(skipBad(undefined));
      const source = record?.recording;
      if (!record || !source?.beta_meg_subjects?.includes(subject) || !source.trough_bin_nam) continue;
      const key = source.beta_meg_subjects.join(",");
      const entry = bySubjects.get(key) ?? { run: name, subjects: source.beta_meg_subjects, bins: [] };
      entry.bins.push({
        id,
        label: record.label,
        trough_bin_nam: source.trough_bin_nam,
        n_events: source.n_events ?? 0,
      });
      bySubjects.set(key, entry);
    }
    for (const entry of bySubjects.values()) {
      entry.bins.sort((a, b) => a.trough_bin_nam[0] - b.trough_bin_nam[0]);
      found.push(entry);
    }
  }
  return found;
}

/** A catch handler: `fallback` for a bad run's file, anything else rethrown. */
function skipBad<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof BadRun) return fallback;
    throw error;
  };
}
