/** Plots of the diagnostics' JSON: SBC rank histograms with their uniformity band, coverage, training curves. */
import type { CoverageCurve } from "../diagnostics/coverage.ts";
import type { SbcResult } from "../diagnostics/sbc.ts";
import { ecdfBand, ecdfDifference } from "../diagnostics/sbc_ecdf.ts";
import type { BoxParameter } from "../prior/schema.ts";
import { axis } from "./posterior.ts";
import { Plot, plotSvg } from "./svg.ts";

/**
 * A colour legend drawn inside the plot (one label per series, in its colour), so that a figure stays one plain SVG
 * file; Plot's own legends are HTML beside it.
 */
function inlineLegend(names: string[], anchor: "top-left" | "top-right" = "top-left") {
  return names.map((name, k) =>
    Plot.text([name], {
      frameAnchor: anchor,
      dx: anchor === "top-left" ? 8 : -8,
      dy: 8 + 14 * k,
      text: (d: string) => d,
      fill: (d: string) => d,
      fontWeight: 600,
    })
  );
}

/** One histogram per parameter; the grey band holds 99% of bin counts if the ranks are uniform. */
export function sbcHistograms(sbc: Pick<SbcResult, "parameters" | "histogram" | "ks">): string[] {
  const { bins, counts, band } = sbc.histogram;
  return sbc.parameters.map((name, j) =>
    plotSvg({
      title: `${name}: KS p = ${sbc.ks[j].pValue.toPrecision(3)}${sbc.ks[j].rejected ? " (rejected)" : ""}`,
      width: 320,
      height: 200,
      x: { label: "normalised rank", domain: [0, 1] },
      y: { label: "count", grid: true },
      marks: [
        Plot.rectY([{ x1: 0, x2: 1, y1: band[0], y2: band[1] }], {
          x1: "x1",
          x2: "x2",
          y1: "y1",
          y2: "y2",
          fill: "#ddd",
        }),
        Plot.rectY(counts[j].map((c, b) => ({ x1: b / bins, x2: (b + 1) / bins, y: c })), {
          x1: "x1",
          x2: "x2",
          y: "y",
          fill: "steelblue",
          inset: 0.5,
        }),
        Plot.ruleY([0]),
      ],
    })
  );
}

/** SBC ranks as a run folder keeps them (`sbc.json`): n × d, row-major. */
export type SbcRecord = Pick<SbcResult, "parameters" | "samples" | "histogram" | "ks"> & { ranks?: ArrayLike<number> };

/**
 * One ECDF-difference plot per parameter: the ranks' empirical CDF minus the uniform CDF (blue), inside the grey
 * simultaneous band that holds a calibrated posterior's whole curve with probability 99%.
 */
export function sbcEcdfPlots(sbc: SbcRecord & { ranks: ArrayLike<number> }): string[] {
  const d = sbc.parameters.length, n = sbc.ranks.length / d;
  const band = ecdfBand(n, sbc.samples);
  const edges = band.z.map((z, k) => ({
    z,
    lo: band.lower[k] - band.expected[k],
    hi: band.upper[k] - band.expected[k],
  }));
  return sbc.parameters.map((name, j) => {
    const ranks = Array.from({ length: n }, (_, i) => sbc.ranks[i * d + j]);
    const difference = ecdfDifference(ranks, sbc.samples, band.z).map((y, k) => ({ z: band.z[k], y }));
    const outside = difference.some((p, k) => p.y < edges[k].lo - 1e-12 || p.y > edges[k].hi + 1e-12);
    return plotSvg({
      title: `${name}: ${outside ? "leaves" : "inside"} the 99% band`,
      width: 320,
      height: 200,
      x: { label: "normalised rank", domain: [0, 1] },
      y: { label: "ECDF − uniform CDF", grid: true },
      marks: [
        Plot.areaY(edges, { x: "z", y1: "lo", y2: "hi", fill: "#ddd" }),
        Plot.ruleY([0], { stroke: "#888" }),
        Plot.line(difference, { x: "z", y: "y", stroke: outside ? "crimson" : "steelblue", strokeWidth: 1.5 }),
      ],
    });
  });
}

/** Coverage against credibility level on the unit square, with the diagonal a calibrated posterior follows. */
function coverageFrame(title: string, marks: Plot.Markish[]): string {
  return plotSvg({
    title,
    width: 360,
    height: 320,
    x: { label: "credibility level", domain: [0, 1] },
    y: { label: "empirical coverage", domain: [0, 1], grid: true },
    marks: [
      Plot.line([{ level: 0, coverage: 0 }, { level: 1, coverage: 1 }], {
        x: "level",
        y: "coverage",
        stroke: "#aaa",
        strokeDasharray: "4,3",
      }),
      ...marks,
    ],
  });
}

/** Each parameter's coverage of its central credible intervals against their level (the diagonal when calibrated). */
export function marginalCoveragePlot(parameters: string[], levels: number[], coverage: number[][]): string {
  const rows = parameters.flatMap((parameter, j) =>
    levels.map((level, k) => ({ parameter, level, coverage: coverage[j][k] }))
  );
  return coverageFrame("coverage of each parameter's central intervals", [
    ...inlineLegend(parameters),
    Plot.line(rows, { x: "level", y: "coverage", stroke: "parameter", strokeWidth: 1.5 }),
  ]);
}

export function coveragePlot(curve: CoverageCurve): string {
  const points = curve.levels.map((level, k) => ({ level, coverage: curve.coverage[k] }));
  return coverageFrame(`expected coverage (max deviation ${curve.maxDeviation.toFixed(3)})`, [
    Plot.line(points, { x: "level", y: "coverage", stroke: "steelblue", strokeWidth: 2 }),
    Plot.dot(points, { x: "level", y: "coverage", fill: "steelblue", r: 2 }),
  ]);
}

export interface TrainingLog {
  epochs: { epoch: number; train_loss: number; validation_loss: number }[];
}

export function trainingCurves(log: TrainingLog): string {
  const rows = log.epochs.flatMap((e) => [
    { epoch: e.epoch, loss: e.train_loss, set: "train" },
    { epoch: e.epoch, loss: e.validation_loss, set: "validation" },
  ]);
  return plotSvg({
    title: "training: −log q(θ | x) per epoch",
    width: 520,
    height: 280,
    x: { label: "epoch" },
    y: { label: "loss", grid: true },
    marks: [
      ...inlineLegend(["train", "validation"], "top-right"),
      Plot.line(rows, { x: "epoch", y: "loss", stroke: "set" }),
    ],
  });
}

/** `diagnostics/recovery.json`'s estimates: per grid point, the truth and the posterior's median and 95% interval. */
export interface RecoveryEstimates {
  truth: number[][];
  posterior_median: number[][];
  posterior_q025: number[][];
  posterior_q975: number[][];
}

/** Parameter j's posterior median (with its 95% interval) against the truth it was simulated from. */
export function recoveryScatter(p: BoxParameter, j: number, r: RecoveryEstimates): string {
  const rows = r.truth.map((t, i) => ({
    truth: t[j],
    median: r.posterior_median[i][j],
    lo: r.posterior_q025[i][j],
    hi: r.posterior_q975[i][j],
  }));
  const estimateAxis = axis(p);
  return plotSvg({
    title: `${p.name}: posterior median against truth`,
    width: 300,
    height: 300,
    x: { ...axis(p), label: `true ${estimateAxis.label}` },
    y: { ...estimateAxis, label: `estimated ${estimateAxis.label}`, grid: true },
    marks: [
      Plot.line([p.low, p.high], { x: (v) => v, y: (v) => v, stroke: "#aaa", strokeDasharray: "4,3" }),
      Plot.ruleX(rows, { x: "truth", y1: "lo", y2: "hi", stroke: "steelblue", strokeOpacity: 0.5 }),
      Plot.dot(rows, { x: "truth", y: "median", fill: "steelblue", r: 2.5 }),
    ],
  });
}
