import { FIGURE } from "../../../lib/plots/run_figures.ts";
import { figureHref } from "../../../lib/server/figure_views.tsx";
import { Layout } from "../../../lib/server/layout.tsx";
import { loadObservation } from "../../../lib/server/observations.ts";
import { ObservationPicker } from "../../../lib/server/observation_picker.tsx";
import { PairPlot, PosteriorTable } from "../../../lib/server/posterior_views.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";

export default async function Posterior(ctx: RouteContext) {
  const run = ctx.params.run;
  const { ids, id, observation, prior } = await loadObservation(ctx);
  // `?bounds=prior` spans the prior's bounds; by default the plot zooms to where the samples are.
  const bounds = ctx.url.searchParams.get("bounds") === "prior" ? "prior" : "samples";
  const query = (b: string) => `?obs=${encodeURIComponent(id ?? "")}${b === "prior" ? "&bounds=prior" : ""}`;
  return (
    <Layout title={`Posterior of ${run}`} run={run}>
      <ObservationPicker run={run} page="posterior" ids={ids} current={id} />
      {!observation || !prior || !id ? <p class="missing">No posterior samples yet.</p> : (
        <>
          <h2>{observation.label}</h2>
          <PosteriorTable prior={prior} samples={observation.samples} />
          <p>
            {observation.samples.length} posterior samples in the prior's units
            {observation.theta_true ? "; red: the ground truth" : ""}. Below the diagonal: the samples and the regions
            holding 50% (thick) and 90% of them, from a kernel density whose bandwidth follows the samples' covariance
            (Scott's rule). {bounds === "prior"
              ? <a href={`/runs/${run}/posterior${query("samples")}`}>Zoom to the samples</a>
              : <a href={`/runs/${run}/posterior${query("prior")}`}>Show the prior's bounds</a>}
          </p>
          <PairPlot prior={prior} samples={observation.samples} truth={observation.theta_true} bounds={bounds} />
          <p class="downloads">
            Download:{" "}
            <a href={figureHref(run, FIGURE.posterior(id), bounds === "prior" ? "?bounds=prior" : "")} download>
              pair plot (SVG)
            </a>{" "}
            · <a href={`/runs/${run}/samples/${encodeURIComponent(id)}.csv`} download>samples (CSV)</a>
          </p>
        </>
      )}
    </Layout>
  );
}
