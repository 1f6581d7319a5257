/**
 * Runs conditioned on MEG beta events (the beta experiment's recordings, lib/experiments/configs.ts): per run, the
 * observations made from one set of subjects' events, one per trough amplitude bin, for the events pages to link
 * the compare page to.
 */
import type { RunStore } from "./runs.ts";

interface EventObservation {
  label?: string;
  recording?: { beta_meg_subjects?: number[]; trough_bin_nam?: [number, number]; n_events?: number };
}

export interface EventPosteriors {
  run: string;
  subjects: number[];
  /** The observations, deepest trough bin first: ids, labels and event counts. */
  bins: { id: string; label: string; trough_bin_nam: [number, number]; n_events: number }[];
}

/** Every run's posteriors conditioned on binned beta events of a set of subjects that includes `subject`. */
export async function eventPosteriors(store: RunStore, subject: number): Promise<EventPosteriors[]> {
  const found: EventPosteriors[] = [];
  for (const { name } of await store.list()) {
    const bySubjects = new Map<string, EventPosteriors>();
    for (const id of await store.jsonNames(name, "observations")) {
      const record = await store.json<EventObservation>(name, `observations/${id}.json`);
      const source = record?.recording;
      if (!source?.beta_meg_subjects?.includes(subject) || !source.trough_bin_nam) continue;
      const key = source.beta_meg_subjects.join(",");
      const entry = bySubjects.get(key) ?? { run: name, subjects: source.beta_meg_subjects, bins: [] };
      entry.bins.push({
        id,
        label: record?.label ?? id,
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
