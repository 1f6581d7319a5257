import { listFits } from "../lib/server/fits.ts";
import { Layout } from "../lib/server/layout.tsx";
import type { RouteContext } from "../lib/server/route.ts";

export default async function RunsIndex({ store }: RouteContext) {
  const fits = await listFits(store);
  const fitNames = new Set(fits.map((f) => f.name));
  const runs = (await store.list()).filter((run) => !fitNames.has(run.name));
  return (
    <Layout title="Runs">
      {runs.length === 0
        ? <p class="missing">No runs in {store.root} yet: run an experiment with --out inside it.</p>
        : (
          <>
            <p>
              Open a run for its overview, posterior and diagnostics; condition a trained run on a new waveform; or{" "}
              <a href="/compare">compare</a> two conditioned observations side by side.
            </p>
            <table>
              <tr>
                <th>run</th>
                <th>model</th>
                <th>status</th>
                <th>last change</th>
                <th></th>
              </tr>
              {runs.map((run) => (
                <tr>
                  <td>
                    <a href={`/runs/${run.name}/`}>{run.name}</a>
                  </td>
                  <td>{String(run.experiment?.model ?? "—")}</td>
                  <td>
                    {run.problem ? <span class="bad">bad: {run.problem}</span> : String(run.experiment?.status ?? "—")}
                  </td>
                  <td>{run.modified?.toISOString() ?? "—"}</td>
                  <td>
                    <a href={`/runs/${run.name}/condition`}>condition</a> ·{" "}
                    <a href={`/compare?a=${run.name}`}>compare</a>
                  </td>
                </tr>
              ))}
            </table>
          </>
        )}
      {fits.length > 0 && (
        <>
          <h2>Fits</h2>
          <p>Truncated sequential fits of one observation each (fit --out inside {store.root}).</p>
          <table>
            <tr>
              <th>fit</th>
              <th>of</th>
              <th>status</th>
              <th>rounds</th>
              <th>simulations</th>
              <th></th>
            </tr>
            {fits.map((f) => (
              <tr key={f.name}>
                <td>
                  <a href={`/fits/${f.name}`}>{f.name}</a>
                </td>
                <td>{f.fit.label}</td>
                <td>{f.fit.status}</td>
                <td>{f.rounds.length} of {f.fit.settings.rounds}</td>
                <td>{f.rounds.at(-1)?.total_sims ?? 0}</td>
                <td>
                  <a href={`/compare?a=${f.name}:fit`}>compare</a>
                </td>
              </tr>
            ))}
          </table>
        </>
      )}
    </Layout>
  );
}
