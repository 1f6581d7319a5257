/** How every page draws a set of posterior samples and its predictive check: the pair plot and the bands. */
import { marginalQuantiles } from "../diagnostics/recovery.ts";
import { sdRatios, WIDE_POSTERIOR_RATIO } from "../diagnostics/shrinkage.ts";
import { shareInside } from "../plots/run_figures.ts";
import { type PairBounds, pairPlotCells, type PredictiveBands, predictivePlot } from "../plots/posterior.ts";
import type { WaveformAxis } from "../experiments/recordings.ts";
import type { BoxParameter } from "../prior/schema.ts";
import { Svg } from "./layout.tsx";

/** Marginals on the diagonal, joint densities below it, laid out as a d × d grid. */
export function PairPlot(
  props: { prior: BoxParameter[]; samples: number[][]; truth?: number[]; bounds?: PairBounds },
) {
  const cells = pairPlotCells(props.prior, props.samples, props.truth, props.bounds);
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
        Black: the observation. Blue: median, 50% and 95% bands of {simulationCount(props.predictive)}{" "}
        from posterior samples{smoothingText(props.predictive)}.
      </figcaption>
    </figure>
  );
}

/** "20 simulations", or "the simulations" for records written before the count was kept. */
export function simulationCount(bands: PredictiveBands): string {
  return bands.simulations === undefined ? "the simulations" : `${bands.simulations} simulations`;
}

function smoothingText(bands: { smoothing_ms?: number }): string {
  return bands.smoothing_ms ? `, smoothed with a ${bands.smoothing_ms} ms Hamming window` : "";
}

/**
 * Each parameter's median and 95% interval in its unit, and its sd relative to the prior's; a warning names the
 * parameters whose posterior is hardly narrower than the prior.
 */
export function PosteriorTable(props: { prior: BoxParameter[]; samples: number[][] }) {
  const ratios = sdRatios(props.prior, props.samples);
  const wide = props.prior.filter((_, j) => ratios[j] > WIDE_POSTERIOR_RATIO).map((p) => p.name);
  return (
    <>
      {wide.length > 0 && (
        <p class="warning">
          Hardly narrower than the prior: {wide.join(", ")} (posterior sd above {WIDE_POSTERIOR_RATIO}{" "}
          of the prior's). The data say little about {wide.length === 1 ? "this parameter" : "these parameters"}: read
          {" "}
          {wide.length === 1 ? "its" : "their"} marginals as the prior, not as an estimate.
        </p>
      )}
      <table>
        <tr>
          <th>parameter</th>
          <th>median [95% interval]</th>
          <th>posterior sd / prior sd</th>
        </tr>
        {props.prior.map((p, j) => (
          <tr key={p.name}>
            <td>{p.unit ? `${p.name} (${p.unit})` : p.name}</td>
            <td>{medianInterval(props.samples, j, p.unit)}</td>
            <td>{ratios[j].toFixed(2)}</td>
          </tr>
        ))}
      </table>
    </>
  );
}

/** Median and central 95% interval of parameter j's samples, for tables: `0.298 [0.212, 0.391]`. */
export function medianInterval(samples: number[][], j: number, unit?: string): string {
  const q = marginalQuantiles(samples.map((s) => s[j]), 1);
  return `${q.median[0].toPrecision(3)} [${q.q025[0].toPrecision(3)}, ${q.q975[0].toPrecision(3)}]${
    unit ? ` ${unit}` : ""
  }`;
}

/** Below this share of time points inside the prior's 95% band, the report says the prior hardly reaches the data. */
const INSIDE_WARNING = 0.9;

/** What the prior-predictive bands say about a recording: the share of its time points inside their 95% band. */
export function PriorCheck(props: { bands: PredictiveBands; x: number[] }) {
  const share = shareInside(props.bands, props.x), percent = Math.round(100 * share);
  return (
    <>
      <p class="caption">
        Black: the recording. Blue: median, 50% and 95% bands of {simulationCount(props.bands)}{" "}
        of the run's dataset, θ drawn from the prior: what the model can produce before seeing data. The recording lies
        inside the 95% band at {percent}% of its time points.
      </p>
      {share < INSIDE_WARNING && (
        <p class="warning">
          The recording leaves what the prior produces at{" "}
          {100 - percent}% of its time points: the posterior is conditioned on data the model hardly reaches, so read it
          with care (check the recording's scale, offset and baseline, or widen the prior).
        </p>
      )}
    </>
  );
}
