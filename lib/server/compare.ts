/**
 * The compare page's data: two conditioned observations named `run:obs` (same run or two runs), and the overlap
 * coefficient of their marginals per parameter, on the first one's prior in unit coordinates (log10 parameters on
 * their log scale), as the experiment runner computes it.
 */
import { overlapCoefficient } from "../diagnostics/overlap.ts";
import { Prior } from "../prior/prior.ts";
import type { BoxParameter } from "../prior/schema.ts";
import { BadRun } from "../runs/read.ts";
import type { ObservationRecord } from "../runs/types.ts";
import { BadRequest } from "./errors.ts";
import { readObservation } from "./observations.ts";
import type { RunStore } from "./runs.ts";

export interface CompareSide {
  /** `run:obs`, as the page's query and picker name it. */
  ref: string;
  run: string;
  observation: ObservationRecord;
  prior: BoxParameter[];
}

export interface Choice {
  ref: string;
  label: string;
  /** Why this observation (or its run) cannot be read; such choices are shown but not picked. */
  problem?: string;
}

/** Every observation of every run, for the picker; one that cannot be read is a choice with the problem. */
export async function observationChoices(store: RunStore): Promise<Choice[]> {
  const choices: Choice[] = [];
  const bad = (ref: string, error: unknown): Choice => {
    if (!(error instanceof BadRun)) throw error;
    return { ref, label: `${ref} (bad: ${error.message})`, problem: error.message };
  };
  for (const { name } of await store.list()) {
    let ids: string[];
    try {
      ids = await store.observationIds(name);
    } catch (error) {
      choices.push(bad(name, error));
      continue;
    }
    for (const id of ids) {
      const ref = `${name}:${id}`;
      try {
        const { observation } = await readObservation(store, name, id);
        choices.push({ ref, label: `${name} · ${observation?.label ?? id}` });
      } catch (error) {
        choices.push(bad(ref, error));
      }
    }
  }
  return choices;
}

/** `run` alone means the run's first observation. */
function completeRef(choices: Choice[], ref?: string): string | undefined {
  if (!ref || ref.includes(":")) return ref;
  return choices.find((c) => c.ref.startsWith(ref + ":"))?.ref ?? ref;
}

/** The two refs to show: the query's, completed with defaults (a's run's next observation, else another run's). */
export function pickPair(all: Choice[], a?: string, b?: string): [string, string] | undefined {
  const choices = all.filter((c) => !c.problem);
  const first = completeRef(choices, a) ?? choices[0]?.ref;
  if (first === undefined) return undefined;
  const run = first.split(":")[0];
  const others = choices.filter((c) => c.ref !== first);
  const second = completeRef(choices, b) ?? (others.find((c) => c.ref.startsWith(run + ":")) ?? others[0])?.ref;
  return second === undefined ? undefined : [first, second];
}

export async function loadSide(store: RunStore, ref: string): Promise<CompareSide> {
  const [run, id] = ref.split(":");
  const { observation, prior } = await readObservation(store, run, id);
  if (!observation || !prior) throw new BadRequest(`run ${run} has no conditioned observations to compare`);
  return { ref, run, observation, prior };
}

export interface Comparison {
  /** a's parameters; both sides' samples are rows in this order. */
  parameters: BoxParameter[];
  a: number[][];
  b: number[][];
  /** Overlap coefficient per parameter, in [0, 1]. */
  ovl: number[];
}

/** Both sides on a's parameters (b must have the same ones, in any order) with their overlap. */
export function compare(a: CompareSide, b: CompareSide): Comparison {
  const columns = a.prior.map((p) => b.prior.findIndex((q) => q.name === p.name));
  if (columns.includes(-1)) {
    throw new BadRequest(`${a.ref} and ${b.ref} have different parameters: compare runs of the same model`);
  }
  const samplesB = b.observation.samples.map((s) => columns.map((j) => s[j]));
  const prior = new Prior(a.prior), d = a.prior.length;
  const ua = prior.toUnit(a.observation.samples.flat()), ub = prior.toUnit(samplesB.flat());
  const column = (u: Float64Array, j: number) => u.filter((_, i) => i % d === j);
  return {
    parameters: a.prior,
    a: a.observation.samples,
    b: samplesB,
    ovl: a.prior.map((_, j) => overlapCoefficient(column(ua, j), column(ub, j))),
  };
}
