/** How every page draws a set of posterior samples and its predictive check: the pair plot and the bands. */
import { pairPlotCells, type PredictiveBands, predictivePlot } from "../plots/posterior.ts";
import type { WaveformAxis } from "../experiments/recordings.ts";
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
  props: {
    predictive?: PredictiveBands & { smoothing_ms?: number };
    x: number[];
    /** The record's axis (values × its scale); older records name their units only. */
    axis?: WaveformAxis;
    units?: string;
    width?: number;
  },
) {
  if (!props.predictive) return <p class="missing">No posterior-predictive simulations yet.</p>;
  const smoothing = props.predictive.smoothing_ms;
  const k = props.axis?.scale ?? 1, scaled = (values: number[]) => values.map((v) => v * k);
  const { times_ms, q025, q25, q50, q75, q975 } = props.predictive;
  const bands = {
    times_ms,
    q025: scaled(q025),
    q25: scaled(q25),
    q50: scaled(q50),
    q75: scaled(q75),
    q975: scaled(q975),
  };
  return (
    <figure>
      <Svg svg={predictivePlot(bands, scaled(props.x), props.axis?.label ?? props.units ?? "x", props.width)} />
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
