import { Layout } from "../../../lib/server/layout.tsx";
import { loadObservation } from "../../../lib/server/observations.ts";
import { ObservationPicker } from "../../../lib/server/observation_picker.tsx";
import { PairPlot } from "../../../lib/server/posterior_views.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";

export default async function Posterior(ctx: RouteContext) {
  const run = ctx.params.run;
  const { ids, id, observation, prior } = await loadObservation(ctx);
  return (
    <Layout title={`Posterior of ${run}`} run={run}>
      <ObservationPicker run={run} page="posterior" ids={ids} current={id} />
      {!observation || !prior ? <p class="missing">No posterior samples yet.</p> : (
        <>
          <h2>{observation.label}</h2>
          <p>
            {observation.samples.length} posterior samples in the prior's units
            {observation.theta_true ? "; red: the ground truth" : ""}.
          </p>
          <PairPlot prior={prior} samples={observation.samples} truth={observation.theta_true} />
        </>
      )}
    </Layout>
  );
}
