/**
 * Posterior plots: a pair plot (1-D marginal histograms on the diagonal, 2-D densities below it) in the prior's
 * units, with the ground truth when known; and the observation against posterior-predictive bands.
 */
import type { BoxParameter } from "../prior/schema.ts";
import { densityContours } from "./density2d.ts";
import { Plot, plotSvg } from "./svg.ts";

/** Side of one pair-plot cell in pixels. */
export const PAIR_CELL = 170;
/** Shares of the samples inside the pair plot's contours (the inner one drawn thicker). */
const CONTOUR_MASSES = [0.5, 0.9];

/** A parameter's axis: its name and unit, its prior's bounds (or `domain`), log-scaled for log10 priors. */
export function axis(p: BoxParameter, domain: [number, number] = [p.low, p.high]) {
  return {
    label: p.unit ? `${p.name} (${p.unit})` : p.name,
    type: p.scale === "log10" ? "log" as const : "linear" as const,
    domain,
  };
}

/**
 * The span a pair plot shows for one parameter: the prior's bounds, unless the samples' central 99% (and the truth)
 * fill less than a fifth of them — then that span, padded by half its width, so a sharp posterior shows its shape.
 */
export function viewDomain(values: number[], p: BoxParameter, truth?: number): [number, number] {
  const log = p.scale === "log10";
  const f = (v: number) => (log ? Math.log10(v) : v), inv = (u: number) => (log ? 10 ** u : u);
  const sorted = values.map(f).sort((a, b) => a - b);
  if (sorted.length < 2) return [p.low, p.high];
  let lo = sorted[Math.floor(0.005 * (sorted.length - 1))], hi = sorted[Math.ceil(0.995 * (sorted.length - 1))];
  if (truth !== undefined) [lo, hi] = [Math.min(lo, f(truth)), Math.max(hi, f(truth))];
  const prior = f(p.high) - f(p.low), pad = Math.max(0.5 * (hi - lo), 1e-3 * prior);
  if (hi - lo >= 0.2 * prior) return [p.low, p.high];
  return [inv(Math.max(f(p.low), lo - pad)), inv(Math.min(f(p.high), hi + pad))];
}

/** Counts in 30 bins of equal width on the parameter's own scale (log10 bins for log10 parameters) over `domain`. */
export function histogram(values: number[], p: BoxParameter, bins = 30, domain: [number, number] = [p.low, p.high]) {
  const log = p.scale === "log10";
  const f = (v: number) => (log ? Math.log10(v) : v), inv = (u: number) => (log ? 10 ** u : u);
  const lo = f(domain[0]), width = (f(domain[1]) - lo) / bins;
  const counts = new Array(bins).fill(0);
  for (const v of values) {
    const b = Math.floor((f(v) - lo) / width);
    if (b >= 0 && b <= bins) counts[Math.min(b, bins - 1)]++;
  }
  return counts.map((count, b) => ({ x1: inv(lo + b * width), x2: inv(lo + (b + 1) * width), count }));
}

/** What a pair plot spans: the samples' region (`viewDomain`) or each prior's bounds. */
export type PairBounds = "samples" | "prior";

/** The contours' rings as rows for Plot.line, in the parameters' units (log10 parameters come back from log10). */
function contourRows(px: BoxParameter, py: BoxParameter, samples: number[][], j: number, i: number) {
  const f = (p: BoxParameter, v: number) => (p.scale === "log10" ? Math.log10(v) : v);
  const inv = (p: BoxParameter, u: number) => (p.scale === "log10" ? 10 ** u : u);
  const rings = densityContours(samples.map((s) => f(px, s[j])), samples.map((s) => f(py, s[i])), CONTOUR_MASSES);
  return rings.flatMap((ring, k) =>
    ring.points.map(([x, y]) => ({ x: inv(px, x), y: inv(py, y), ring: k, mass: ring.mass }))
  );
}

/**
 * One SVG per cell of the pair plot, row-major (d × d, empty strings above the diagonal): the grid is laid out by
 * the page, which keeps every cell a plain Plot. Below the diagonal: the samples as dots and the regions holding 50%
 * and 90% of them (a kernel density whose bandwidth follows the samples' own covariance).
 */
export function pairPlotCells(
  prior: BoxParameter[],
  samples: number[][],
  truth?: number[],
  bounds: PairBounds = "samples",
): string[] {
  const d = prior.length;
  const domains = prior.map((p, j): [number, number] =>
    bounds === "prior" ? [p.low, p.high] : viewDomain(samples.map((s) => s[j]), p, truth?.[j])
  );
  const cells: string[] = [];
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      if (j > i) {
        cells.push("");
        continue;
      }
      const px = prior[j], py = prior[i];
      if (i === j) {
        cells.push(plotSvg({
          width: PAIR_CELL,
          height: PAIR_CELL,
          marginLeft: 36,
          x: axis(px, domains[j]),
          y: { axis: null },
          marks: [
            Plot.rectY(histogram(samples.map((s) => s[j]), px, 30, domains[j]), {
              x1: "x1",
              x2: "x2",
              y: "count",
              fill: "steelblue",
            }),
            ...(truth ? [Plot.ruleX([truth[j]], { stroke: "crimson", strokeWidth: 2 })] : []),
          ],
        }));
      } else {
        const points = samples.map((s) => ({ x: s[j], y: s[i] }));
        const contours = contourRows(px, py, samples, j, i);
        cells.push(plotSvg({
          width: PAIR_CELL,
          height: PAIR_CELL,
          marginLeft: 36,
          x: axis(px, domains[j]),
          y: axis(py, domains[i]),
          marks: [
            Plot.dot(points, { x: "x", y: "y", r: 0.8, fill: "steelblue", fillOpacity: 0.15 }),
            ...CONTOUR_MASSES.map((mass) =>
              Plot.line(contours.filter((r) => r.mass === mass), {
                x: "x",
                y: "y",
                z: "ring",
                stroke: "navy",
                strokeWidth: mass === CONTOUR_MASSES[0] ? 1.4 : 0.8,
                clip: true,
              })
            ),
            ...(truth ? [Plot.dot([{ x: truth[j], y: truth[i] }], { x: "x", y: "y", r: 4, fill: "crimson" })] : []),
          ],
        }));
      }
    }
  }
  return cells;
}

export interface PredictiveBands {
  times_ms: number[];
  /** How many simulations the quantiles come from (absent in records written before it was kept). */
  simulations?: number;
  q025: number[];
  q25: number[];
  q50: number[];
  q75: number[];
  q975: number[];
}

/** Observation (black) against the posterior-predictive median and 50% / 95% bands. */
export function predictivePlot(bands: PredictiveBands, observation: number[], label = "x", width = 760): string {
  const rows = bands.times_ms.map((t, k) => ({
    t,
    q025: bands.q025[k],
    q25: bands.q25[k],
    q50: bands.q50[k],
    q75: bands.q75[k],
    q975: bands.q975[k],
    obs: observation[k],
  }));
  return plotSvg({
    width,
    height: 320,
    x: { label: "time (ms)" },
    y: { label, grid: true },
    marks: [
      Plot.areaY(rows, { x: "t", y1: "q025", y2: "q975", fill: "steelblue", fillOpacity: 0.2 }),
      Plot.areaY(rows, { x: "t", y1: "q25", y2: "q75", fill: "steelblue", fillOpacity: 0.4 }),
      Plot.line(rows, { x: "t", y: "q50", stroke: "steelblue", strokeWidth: 1.5 }),
      Plot.line(rows, { x: "t", y: "obs", stroke: "black", strokeWidth: 1.5 }),
    ],
  });
}

/** Pointwise quantiles of simulations (rows × samples) on their time base. */
export function predictiveBands(simulations: ArrayLike<number>, timesMs: number[]): PredictiveBands {
  const t = timesMs.length, n = simulations.length / t;
  if (!Number.isInteger(n) || n < 1) throw new Error(`simulations must be rows of ${t} samples`);
  const out: PredictiveBands = { times_ms: timesMs, simulations: n, q025: [], q25: [], q50: [], q75: [], q975: [] };
  const column = new Float64Array(n);
  const quantile = (q: number) => {
    const pos = q * (n - 1), lo = Math.floor(pos), hi = Math.min(n - 1, lo + 1);
    return column[lo] + (pos - lo) * (column[hi] - column[lo]);
  };
  for (let k = 0; k < t; k++) {
    for (let i = 0; i < n; i++) column[i] = simulations[i * t + k];
    column.sort();
    out.q025.push(quantile(0.025));
    out.q25.push(quantile(0.25));
    out.q50.push(quantile(0.5));
    out.q75.push(quantile(0.75));
    out.q975.push(quantile(0.975));
  }
  return out;
}
