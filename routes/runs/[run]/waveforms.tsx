import { FIGURE, isRecording, loadRunReport, runFigures } from "../../../lib/plots/run_figures.ts";
import { FigureWithDownload } from "../../../lib/server/figure_views.tsx";
import { Layout } from "../../../lib/server/layout.tsx";
import { loadObservation } from "../../../lib/server/observations.ts";
import { ObservationPicker } from "../../../lib/server/observation_picker.tsx";
import { PredictiveFigure, PriorCheck } from "../../../lib/server/posterior_views.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";

export default async function Waveforms(ctx: RouteContext) {
  const run = ctx.params.run;
  const { ids, id, observation } = await loadObservation(ctx);
  const report = observation && id
    ? await loadRunReport(ctx.store, run, { observations: [id], priorPredictive: isRecording(observation) })
    : undefined;
  const figures = report ? runFigures(report) : [];
  const priorBands = report?.priorPredictive;
  // Records written before bands kept their count: the run's budget says how many simulations it made per check.
  const budget = (await ctx.store.experiment(run))?.budget;
  const predictive = observation?.predictive &&
    { ...observation.predictive, simulations: observation.predictive.simulations ?? budget?.predictiveSims };
  return (
    <Layout title={`Waveforms of ${run}`} run={run}>
      <ObservationPicker run={run} page="waveforms" ids={ids} current={id} />
      {!observation || !id ? <p class="missing">No observations conditioned on yet.</p> : (
        <>
          <h2>{observation.label}</h2>
          <PredictiveFigure
            predictive={predictive}
            x={observation.x}
            units={observation.units}
            axis={observation.waveform_axis}
          />
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
                    <PriorCheck bands={priorBands} x={observation.x} />
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
