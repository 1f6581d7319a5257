import { coveragePlot, sbcHistograms } from "../../../lib/plots/diagnostics.ts";
import { Layout, Svg } from "../../../lib/server/layout.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";
import { COVERAGE, SBC } from "../../../lib/server/run_records.ts";

export default async function Diagnostics({ params, store }: RouteContext) {
  const run = params.run;
  await store.dir(run);
  const sbc = await store.read(run, SBC);
  const coverage = await store.read(run, COVERAGE);
  return (
    <Layout title={`Diagnostics of ${run}`} run={run}>
      <h2>Simulation-based calibration</h2>
      {sbc
        ? (
          <>
            <div class="plots">{sbcHistograms(sbc).map((svg, j) => <Svg key={j} svg={svg} />)}</div>
            <table>
              <tr>
                <th>parameter</th>
                <th>KS statistic</th>
                <th>p-value</th>
                <th>uniform at α = 0.01</th>
              </tr>
              {sbc.parameters.map((name, j) => (
                <tr>
                  <td>{name}</td>
                  <td>{sbc.ks[j].statistic.toFixed(4)}</td>
                  <td>{sbc.ks[j].pValue.toPrecision(3)}</td>
                  <td>{sbc.ks[j].rejected ? "rejected" : "yes"}</td>
                </tr>
              ))}
            </table>
          </>
        )
        : <p class="missing">SBC not computed yet.</p>}
      <h2>Expected coverage</h2>
      {coverage ? <Svg svg={coveragePlot(coverage)} /> : <p class="missing">Coverage not computed yet.</p>}
    </Layout>
  );
}
