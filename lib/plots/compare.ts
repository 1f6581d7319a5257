/** Two posteriors' marginals of one parameter overlaid, as shares of their samples per bin on the prior's axis. */
import type { BoxParameter } from "../prior/schema.ts";
import { axis, histogram } from "./posterior.ts";
import { Plot, plotSvg } from "./svg.ts";

/** Fill colours of the two sides of a comparison (the page's legend uses them too). */
export const SIDE_COLOURS = ["steelblue", "darkorange"] as const;

export function overlaidMarginals(p: BoxParameter, a: number[], b: number[], title: string): string {
  const bars = (values: number[], fill: string) =>
    Plot.rectY(histogram(values, p).map((bin) => ({ ...bin, share: bin.count / values.length })), {
      x1: "x1",
      x2: "x2",
      y1: () => 0,
      y2: "share",
      fill,
      fillOpacity: 0.5,
    });
  return plotSvg({
    title,
    width: 300,
    height: 200,
    marginLeft: 44,
    x: axis(p),
    y: { label: "share of samples", grid: true },
    marks: [bars(a, SIDE_COLOURS[0]), bars(b, SIDE_COLOURS[1]), Plot.ruleY([0])],
  });
}
