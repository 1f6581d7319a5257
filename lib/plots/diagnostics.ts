/** Plots of the diagnostics' JSON: SBC rank histograms with their uniformity band, coverage, training curves. */
import type { CoverageCurve } from "../diagnostics/coverage.ts";
import type { SbcResult } from "../diagnostics/sbc.ts";
import { Plot, plotSvg } from "./svg.ts";

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

export function coveragePlot(curve: CoverageCurve): string {
  const points = curve.levels.map((level, k) => ({ level, coverage: curve.coverage[k] }));
  return plotSvg({
    title: `expected coverage (max deviation ${curve.maxDeviation.toFixed(3)})`,
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
      Plot.line(points, { x: "level", y: "coverage", stroke: "steelblue", strokeWidth: 2 }),
      Plot.dot(points, { x: "level", y: "coverage", fill: "steelblue", r: 2 }),
    ],
  });
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
    color: { legend: true },
    marks: [Plot.line(rows, { x: "epoch", y: "loss", stroke: "set" })],
  });
}
