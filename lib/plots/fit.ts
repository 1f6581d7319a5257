/** A fit's rounds as figures: the truncation region's prior mass with its ±2 SE, and the predictive RMSE. */
import type { RoundRecord } from "../fit/records.ts";
import { Plot, plotSvg } from "./svg.ts";

/** The region's volume after each round (round 0: the prior), ±2 standard errors; log scale, it shrinks by factors. */
export function volumePlot(rounds: RoundRecord[], width = 380): string {
  const rows = [
    { round: 0, v: 1, lo: 1, hi: 1 },
    ...rounds.map((r) => ({
      round: r.round,
      v: r.region.volume,
      lo: Math.max(r.region.volume - 2 * r.region.se, 1e-6),
      hi: Math.min(r.region.volume + 2 * r.region.se, 1),
    })),
  ].filter((r) => r.v > 0);
  return plotSvg({
    title: "truncation region: prior mass after each round",
    width,
    height: 260,
    x: { label: "round", ticks: rows.map((r) => r.round), tickFormat: "d" },
    y: { label: "prior mass", type: "log", grid: true },
    marks: [
      Plot.ruleX(rows, { x: "round", y1: "lo", y2: "hi", stroke: "steelblue" }),
      Plot.line(rows, { x: "round", y: "v", stroke: "steelblue" }),
      Plot.dot(rows, { x: "round", y: "v", fill: "steelblue" }),
    ],
  });
}

/**
 * The RMSE of the posterior-predictive median to the observation after each round, for one or more fits: each × its
 * recording scale (1: in x's units).
 */
export function rmsePlot(fits: { label: string; rounds: RoundRecord[]; scale: number }[], width = 380): string {
  const rows = fits.flatMap((f) =>
    f.rounds.map((r) => ({ fit: f.label, round: r.round, rmse: r.predictive.rmse * f.scale }))
  );
  return plotSvg({
    title: "posterior-predictive median: RMSE to the observation",
    width,
    height: 260,
    x: { label: "round", tickFormat: "d", ticks: [...new Set(rows.map((r) => r.round))] },
    y: { label: "RMSE (the observation's units)", grid: true, zero: true },
    color: fits.length > 1 ? { legend: true } : undefined,
    marks: [
      Plot.line(rows, { x: "round", y: "rmse", stroke: fits.length > 1 ? "fit" : "steelblue" }),
      Plot.dot(rows, { x: "round", y: "rmse", fill: fits.length > 1 ? "fit" : "steelblue" }),
    ],
  });
}
