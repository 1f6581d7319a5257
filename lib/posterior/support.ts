/**
 * What a posterior needs to know of its prior: parameter names and the support that samples are rejected into.
 * Box priors come from datasets (lib/prior.ts, bounds in the parameters' own units) and bounded sbibm tasks;
 * normal priors have unbounded support.
 */

export type PriorSpec =
  | { kind: "box"; names: string[]; low: number[]; high: number[] }
  | { kind: "normal"; names: string[]; mean: number[]; variance: number[] };

/** Whether row `row` of a row-major θ matrix lies in the prior's support. */
export function inSupport(prior: PriorSpec, theta: ArrayLike<number>, row: number): boolean {
  const d = prior.names.length;
  for (let j = 0; j < d; j++) {
    const v = theta[row * d + j];
    if (!Number.isFinite(v)) return false;
    if (prior.kind === "box" && (v < prior.low[j] || v > prior.high[j])) return false;
  }
  return true;
}
