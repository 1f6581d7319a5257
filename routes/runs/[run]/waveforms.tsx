import { Layout } from "../../../lib/server/layout.tsx";
import { loadObservation } from "../../../lib/server/observations.ts";
import { ObservationPicker } from "../../../lib/server/observation_picker.tsx";
import { PredictiveFigure } from "../../../lib/server/posterior_views.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";

export default async function Waveforms(ctx: RouteContext) {
  const run = ctx.params.run;
  const { ids, id, observation } = await loadObservation(ctx);
  return (
    <Layout title={`Waveforms of ${run}`} run={run}>
      <ObservationPicker run={run} page="waveforms" ids={ids} current={id} />
      {!observation ? <p class="missing">No observations conditioned on yet.</p> : (
        <>
          <h2>{observation.label}</h2>
          <PredictiveFigure
            predictive={observation.predictive}
            x={observation.x}
            units={observation.units}
            axis={observation.waveform_axis}
          />
        </>
      )}
    </Layout>
  );
}
