import type { DatasetManifest } from "../../../lib/data/dataset.ts";
import { trainingCurves, type TrainingLog } from "../../../lib/plots/diagnostics.ts";
import { Layout, Svg } from "../../../lib/server/layout.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";

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
  const experiment = await store.json(run, "experiment.json");
  const manifest = await store.json<DatasetManifest>(run, "dataset/manifest.json");
  const training = await store.json<TrainingLog>(run, "training.json");
  return (
    <Layout title={`Run ${run}`} run={run}>
      <h2>Model and prior</h2>
      {manifest
        ? (
          <>
            <p>
              model <b>{manifest.model}</b>, dt {manifest.dt_ms} ms, {manifest.times_ms.length} samples per simulation
            </p>
            <table>
              <tr>
                <th>parameter</th>
                <th>low</th>
                <th>high</th>
                <th>scale</th>
                <th>unit</th>
              </tr>
              {manifest.prior.map((p) => (
                <tr>
                  <td>{p.name}</td>
                  <td>{p.low}</td>
                  <td>{p.high}</td>
                  <td>{p.scale}</td>
                  <td>{p.unit ?? ""}</td>
                </tr>
              ))}
            </table>
            <h2>Dataset</h2>
            <table>
              <tr>
                <th>simulations</th>
                <td>{manifest.n}</td>
              </tr>
              <tr>
                <th>non-finite (failed) fraction</th>
                <td>{((manifest.nonfinite_rows ?? 0) / manifest.n).toFixed(4)}</td>
              </tr>
              <tr>
                <th>simulations per second</th>
                <td>{manifest.sims_per_second ? Math.round(manifest.sims_per_second) : "—"}</td>
              </tr>
              <tr>
                <th>adapter</th>
                <td>{manifest.adapter?.description ?? "—"}</td>
              </tr>
              <tr>
                <th>status</th>
                <td>{manifest.status}</td>
              </tr>
            </table>
          </>
        )
        : <p class="missing">No dataset yet.</p>}
      {experiment?.status === "running" && (
        <>
          <h2>Progress</h2>
          <pre id="progress" class="missing">waiting for progress…</pre>
          <script dangerouslySetInnerHTML={{ __html: liveProgress(run) }} />
        </>
      )}
      {experiment && (
        <>
          <h2>Experiment</h2>
          <pre>{JSON.stringify(experiment, null, 2)}</pre>
        </>
      )}
      <h2>Training</h2>
      {training ? <Svg svg={trainingCurves(training)} /> : <p class="missing">Not trained yet.</p>}
    </Layout>
  );
}
