/**
 * A cross-entropy search in a box prior's unit cube for the θ that scores lowest: the automated form of the hand
 * tuning HNN users start from. Each generation scores its centre and normal draws around it (one spread per
 * parameter, clipped to the cube), then moves centre and spreads toward the best few. The scores may be noisy (an
 * HNN network's trials): every candidate of a generation is scored on the same trials, and the best candidate and
 * the last centre are scored again on fresh trials at the end, so the θ returned is not just a lucky draw.
 */
import { seededUniform } from "../random.ts";
import { seededNormal } from "../stats/normal.ts";

export interface SearchOptions {
  /** Where the search starts, in unit-cube coordinates. */
  start: ArrayLike<number>;
  generations: number;
  /** Candidates per generation, the centre included. */
  population: number;
  /** How many of the best candidates set the next centre and spreads. */
  elite: number;
  /** Initial spread (standard deviation) of every parameter, in unit-cube coordinates. */
  spread: number;
  /** No spread shrinks below this, so the search keeps exploring. */
  minSpread: number;
  /** Weight of the elite's mean and spread against the previous ones in each update. */
  step: number;
  seed: number;
  /**
   * Scores (lower is better) of unit-cube rows; `trials` names the set of trials all rows of one call share, a
   * generation's index, or the final check's.
   */
  score(units: Float64Array[], trials: number): Promise<number[]>;
  onGeneration?(record: GenerationRecord): void | Promise<void>;
}

export interface GenerationRecord {
  generation: number;
  /** Best and median score of the generation's candidates. */
  best: number;
  median: number;
  bestSoFar: number;
  /** Mean spread after the update. */
  spread: number;
}

export interface SearchResult {
  /** The better of the best candidate and the last centre, by their scores on fresh trials. */
  unit: Float64Array;
  /** Its score on those fresh trials. */
  score: number;
  /** Which it is: the best candidate of any generation, or the centre the last generation moved to. */
  source: "best candidate" | "last centre";
  /** The best candidate's score on its own generation's trials. */
  bestFoundScore: number;
  generations: GenerationRecord[];
}

export const SEARCH_DEFAULTS = { population: 24, elite: 6, spread: 0.2, minSpread: 0.01, step: 0.7 } as const;

/** Throws on settings the search cannot run with (checked again by the search itself). */
export function assertSearchSettings(
  options: Pick<SearchOptions, "generations" | "population" | "elite" | "spread" | "minSpread" | "step">,
): void {
  const { population, elite, generations } = options;
  if (!Number.isInteger(generations) || generations < 1) throw new RangeError("generations must be at least 1");
  if (!Number.isInteger(population) || population < 2) throw new RangeError("population must be at least 2");
  if (!Number.isInteger(elite) || elite < 1 || elite >= population) {
    throw new RangeError(`elite must lie in [1, population), got ${elite}`);
  }
  if (!(options.spread > 0) || !(options.minSpread > 0)) throw new RangeError("spreads must be positive");
  if (!(options.step > 0 && options.step <= 1)) throw new RangeError("step must lie in (0, 1]");
}

export async function crossEntropySearch(options: SearchOptions): Promise<SearchResult> {
  assertSearchSettings(options);
  const { population, elite, generations } = options;
  const d = options.start.length;
  let centre = Float64Array.from(options.start, clipUnit);
  let spread = new Float64Array(d).fill(options.spread);
  const normal = seededNormal(seededUniform(options.seed));
  let best = { unit: centre, score: Infinity };
  const records: GenerationRecord[] = [];
  for (let g = 0; g < generations; g++) {
    const candidates = [centre];
    for (let k = 1; k < population; k++) candidates.push(centre.map((c, j) => clipUnit(c + spread[j] * normal())));
    const scores = await options.score(candidates, g);
    const order = scores.map((s, k) => [s, k] as const).filter(([s]) => Number.isFinite(s)).sort((a, b) => a[0] - b[0]);
    if (order.length < elite) throw new Error(`generation ${g + 1}: fewer than ${elite} candidates scored finitely`);
    if (order[0][0] < best.score) best = { unit: candidates[order[0][1]], score: order[0][0] };
    const chosen = order.slice(0, elite).map(([, k]) => candidates[k]);
    const mean = new Float64Array(d), sd = new Float64Array(d);
    for (const u of chosen) u.forEach((v, j) => (mean[j] += v / elite));
    // Spread about the old centre, as CMA-ES's rank-μ update: while the elite lies off to one side the spread keeps
    // the distance it moved, so the search does not freeze on the way to a far minimum (plain CEM's weakness).
    for (const u of chosen) u.forEach((v, j) => (sd[j] += (v - centre[j]) ** 2 / elite));
    const a = options.step;
    centre = centre.map((c, j) => (1 - a) * c + a * mean[j]);
    spread = spread.map((s, j) => Math.max(options.minSpread, (1 - a) * s + a * Math.sqrt(sd[j])));
    const record: GenerationRecord = {
      generation: g + 1,
      best: order[0][0],
      median: order[Math.floor(order.length / 2)][0],
      bestSoFar: best.score,
      spread: spread.reduce((s, v) => s + v, 0) / d,
    };
    records.push(record);
    await options.onGeneration?.(record);
  }
  const [bestAgain, centreAgain] = await options.score([best.unit, centre], generations);
  const keepBest = !(centreAgain < bestAgain);
  return {
    unit: keepBest ? best.unit : centre,
    score: keepBest ? bestAgain : centreAgain,
    source: keepBest ? "best candidate" : "last centre",
    bestFoundScore: best.score,
    generations: records,
  };
}

function clipUnit(u: number): number {
  return Math.min(1, Math.max(0, u));
}
