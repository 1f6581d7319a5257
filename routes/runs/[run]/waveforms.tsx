import { FIGURE, isRecording, loadRunReport, runFigures, shareInside } from "../../../lib/plots/run_figures.ts";
import { FigureWithDownload } from "../../../lib/server/figure_views.tsx";
import { Layout } from "../../../lib/server/layout.tsx";
import { loadObservation } from "../../../lib/server/observations.ts";
import { ObservationPicker } from "../../../lib/server/observation_picker.tsx";
import { PredictiveFigure, simulationCount } from "../../../lib/server/posterior_views.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";

/** Below this share of time points inside the prior's 95% band, the page says the prior cannot produce the data. */
const INSIDE_WARNING = 0.9;

export default async function Waveforms(ctx: RouteContext) {
  const run = ctx.params.run;
  const { ids, id, observation } = await loadObservation(ctx);
  const report = observation ? await loadRunReport(ctx.store, run) : undefined;
  const figures = report ? runFigures(report) : [];
  const priorBands = report?.priorPredictive;
  return (
    <Layout title={`Waveforms of ${run}`} run={run}>
      <ObservationPicker run={run} page="waveforms" ids={ids} current={id} />
      {!observation || !id ? <p class="missing">No observations conditioned on yet.</p> : (
        <>
          <h2>{observation.label}</h2>
          <PredictiveFigure predictive={observation.predictive} x={observation.x} units={observation.units} />
          {observation.predictive && (
            <a class="download" href={`/runs/${run}/figures/${FIGURE.predictive(id)}.svg`} download>SVG</a>
          )}
          {isRecording(observation) && (
            <>
              <h2>Prior-predictive check</h2>
              {priorBands
                ? (
                  <>
                    <FigureWithDownload run={run} figures={figures} name={FIGURE.priorPredictive(id)} />
                    <PriorCheck share={shareInside(priorBands, observation.x)} count={simulationCount(priorBands)} />
                  </>
                )
                : <p class="missing">No simulated dataset in this run to draw what the prior produces.</p>}
            </>
          )}
        </>
      )}
    </Layout>
  );
}

function PriorCheck(props: { share: number; count: string }) {
  const percent = (100 * props.share).toFixed(0);
  return (
    <>
      <p class="caption">
        Black: the recording. Blue: median, 50% and 95% bands of {props.count}{" "}
        of the run's dataset, θ drawn from the prior: what the model can produce before seeing data. The recording lies
        inside the 95% band at {percent}% of its time points.
      </p>
      {props.share < INSIDE_WARNING && (
        <p class="warning">
          The recording leaves what the prior produces at{" "}
          {100 - Number(percent)}% of its time points: the posterior is conditioned on data the model hardly reaches, so
          read it with care (check the recording's scale, offset and baseline, or widen the prior).
        </p>
      )}
    </>
  );
}
