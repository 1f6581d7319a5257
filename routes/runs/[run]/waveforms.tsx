import { predictivePlot } from "../../../lib/plots/posterior.ts";
import { Layout, Svg } from "../../../lib/server/layout.tsx";
import { loadObservation } from "../../../lib/server/observations.ts";
import { ObservationPicker } from "../../../lib/server/observation_picker.tsx";
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
          {observation.predictive
            ? (
              <>
                <Svg svg={predictivePlot(observation.predictive, observation.x, observation.units ?? "x")} />
                <p>
                  Black: the observation. Blue: median, 50% and 95% bands of simulations from posterior samples
                  {observation.predictive.smoothing_ms
                    ? `, smoothed with a ${observation.predictive.smoothing_ms} ms Hamming window`
                    : ""}.
                </p>
              </>
            )
            : <p class="missing">No posterior-predictive simulations yet.</p>}
        </>
      )}
    </Layout>
  );
}
