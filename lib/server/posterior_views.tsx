/** How every page draws a set of posterior samples and its predictive check: the pair plot and the bands. */
import { pairPlotCells, type PredictiveBands, predictivePlot } from "../plots/posterior.ts";
import type { ParameterSpec } from "../prior.ts";
import { Svg } from "./layout.tsx";

/** Marginals on the diagonal, joint densities below it, laid out as a d × d grid. */
export function PairPlot(props: { prior: ParameterSpec[]; samples: number[][]; truth?: number[] }) {
  const cells = pairPlotCells(props.prior, props.samples, props.truth);
  return (
    <div
      class="pair-plot"
      style={`display: grid; grid-template-columns: repeat(${props.prior.length}, 180px); gap: 4px;`}
    >
      {cells.map((svg, k) => svg ? <Svg key={k} svg={svg} /> : <div key={k} />)}
    </div>
  );
}

/** The waveform against the posterior-predictive bands, with a caption that says what is drawn. */
export function PredictiveFigure(
  props: { predictive?: PredictiveBands & { smoothing_ms?: number }; x: number[]; units?: string; width?: number },
) {
  if (!props.predictive) return <p class="missing">No posterior-predictive simulations yet.</p>;
  const smoothing = props.predictive.smoothing_ms;
  return (
    <figure>
      <Svg svg={predictivePlot(props.predictive, props.x, props.units ?? "x", props.width)} />
      <figcaption>
        Black: the observation. Blue: median, 50% and 95% bands of simulations from posterior samples
        {smoothing ? `, smoothed with a ${smoothing} ms Hamming window` : ""}.
      </figcaption>
    </figure>
  );
}

/** Median and central 95% interval of parameter j's samples, for tables: `0.298 [0.212, 0.391]`. */
export function medianInterval(samples: number[][], j: number): string {
  const column = samples.map((s) => s[j]).sort((a, b) => a - b);
  const at = (q: number) => column[Math.min(column.length - 1, Math.floor(q * column.length))].toPrecision(3);
  return `${at(0.5)} [${at(0.025)}, ${at(0.975)}]`;
}
