/**
 * How much narrower than its prior each marginal of a posterior is: the ratio of the samples' standard deviation to
 * the prior's, both on the prior's own scale (the exponent for log10 parameters), where the prior is uniform with
 * sd 1/√12 of its range. Near 1, the data told the posterior little about that parameter.
 */
import type { BoxParameter } from "../prior/schema.ts";

/** Above this ratio the report warns that a posterior is hardly narrower than its prior. */
export const WIDE_POSTERIOR_RATIO = 0.8;

export function sdRatios(prior: readonly BoxParameter[], samples: number[][]): number[] {
  return prior.map((p, j) => {
    const f = (v: number) => (p.scale === "log10" ? Math.log10(v) : v);
    const values = samples.map((s) => f(s[j]));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    return sd / ((f(p.high) - f(p.low)) / Math.sqrt(12));
  });
}
