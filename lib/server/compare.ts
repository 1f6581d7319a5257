/**
 * The compare page's data: two conditioned observations named `run:obs` (same run or two runs), and the overlap
 * coefficient of their marginals per parameter, on the first one's prior in unit coordinates (log10 parameters on
 * their log scale), as the experiment runner computes it.
 */
import { overlapCoefficient } from "../diagnostics/overlap.ts";
import { type ParameterSpec, Prior } from "../prior.ts";
import { type ObservationRecord, readObservation } from "./observations.ts";
import { BadRequest } from "./route.ts";
import type { RunStore } from "./runs.ts";

export interface CompareSide {
  /** `run:obs`, as the page's query and picker name it. */
  ref: string;
  run: string;
  observation: ObservationRecord;
  prior: ParameterSpec[];
}

export interface Choice {
  ref: string;
  label: string;
}

/** Every observation of every run, for the picker. */
export async function observationChoices(store: RunStore): Promise<Choice[]> {
  const choices: Choice[] = [];
  for (const { name } of await store.list()) {
    for (const id of await store.jsonNames(name, "observations")) {
      const { observation } = await readObservation(store, name, id);
      choices.push({ ref: `${name}:${id}`, label: `${name} · ${observation?.label ?? id}` });
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
export function pickPair(choices: Choice[], a?: string, b?: string): [string, string] | undefined {
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
  parameters: ParameterSpec[];
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
