import { Layout } from "../../../lib/server/layout.tsx";
import {
  DatasetSection,
  ExperimentSection,
  ModelSection,
  ResultsSection,
  TrainingSection,
} from "../../../lib/server/overview.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";
import { DATASET_MANIFEST, POSTERIOR, SUMMARY, TRAINING } from "../../../lib/runs/records.ts";

/** Optional live view: the server-sent progress events, newest last (the page works without it). */
function liveProgress(run: string): string {
  return `const out = document.getElementById("progress");
const source = new EventSource(${JSON.stringify(`/api/runs/${run}/progress`)});
const lines = [];
source.addEventListener("progress", (e) => {
  const p = JSON.parse(e.data);
  lines.push(p.stage + (p.total ? " " + p.done + "/" + p.total : "") + (p.message ? " " + p.message : ""));
  out.textContent = lines.slice(-15).join("\\n");
  out.className = "";
});
source.addEventListener("status", (e) => { source.close(); location.reload(); });`;
}

export default async function Overview({ params, store }: RouteContext) {
  const run = params.run;
  await store.dir(run);
  const [experiment, manifest, training, summary, posterior] = await Promise.all([
    store.experiment(run),
    store.read(run, DATASET_MANIFEST),
    store.read(run, TRAINING),
    store.read(run, SUMMARY),
    store.read(run, POSTERIOR),
  ]);
  return (
    <Layout title={`Run ${run}`} run={run}>
      {experiment?.status === "running" && (
        <>
          <h2>Progress</h2>
          <pre id="progress" class="missing">waiting for progress…</pre>
          <script dangerouslySetInnerHTML={{ __html: liveProgress(run) }} />
        </>
      )}
      {experiment && <ExperimentSection experiment={experiment} summary={summary} />}
      {manifest
        ? (
          <>
            <ModelSection manifest={manifest} />
            <DatasetSection manifest={manifest} />
          </>
        )
        : <p class="missing">No dataset yet.</p>}
      <h2>Training</h2>
      {training
        ? <TrainingSection training={training} flow={posterior?.flow} />
        : <p class="missing">Not trained yet.</p>}
      {experiment?.results && manifest && (
        <ResultsSection
          run={run}
          results={experiment.results}
          names={manifest.prior.map((p) => p.name)}
        />
      )}
    </Layout>
  );
}
