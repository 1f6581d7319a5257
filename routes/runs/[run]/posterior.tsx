import { pairPlotCells } from "../../../lib/plots/posterior.ts";
import { Layout, Svg } from "../../../lib/server/layout.tsx";
import { loadObservation } from "../../../lib/server/observations.ts";
import { ObservationPicker } from "../../../lib/server/observation_picker.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";

export default async function Posterior(ctx: RouteContext) {
  const run = ctx.params.run;
  const { ids, id, observation, prior } = await loadObservation(ctx);
  const cells = observation && prior ? pairPlotCells(prior, observation.samples, observation.theta_true) : [];
  const d = prior?.length ?? 0;
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
          <div style={`display: grid; grid-template-columns: repeat(${d}, 180px); gap: 4px;`}>
            {cells.map((svg, k) => svg ? <Svg key={k} svg={svg} /> : <div key={k} />)}
          </div>
        </>
      )}
    </Layout>
  );
}
