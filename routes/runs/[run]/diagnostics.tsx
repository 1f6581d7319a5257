import { marginalCoverage } from "../../../lib/diagnostics/sbc_ecdf.ts";
import { FIGURE, loadRunReport, runFigures } from "../../../lib/plots/run_figures.ts";
import { FigureWithDownload } from "../../../lib/server/figure_views.tsx";
import { Layout } from "../../../lib/server/layout.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";

/** Levels of the per-parameter coverage table. */
const TABLE_LEVELS = [0.5, 0.9, 0.95];

export default async function Diagnostics({ params, store }: RouteContext) {
  const run = params.run;
  const report = await loadRunReport(store, run, { sbc: true, coverage: true, recovery: true });
  const figures = runFigures(report);
  const { sbc, coverage, manifest } = report;
  const show = (name: string) => <FigureWithDownload key={name} run={run} figures={figures} name={name} />;
  const n = sbc?.ranks ? sbc.ranks.length / sbc.parameters.length : undefined;
  return (
    <Layout title={`Diagnostics of ${run}`} run={run}>
      <h2>Simulation-based calibration</h2>
      {sbc
        ? (
          <>
            <p>
              For pairs (θ*, x) drawn from the prior and the simulator, the rank of each θ* among {sbc.samples}{" "}
              posterior samples given x is uniform when the posterior is calibrated. Rank histograms: the grey band
              holds 99% of a bin's counts under uniformity.
            </p>
            <div class="plots">{sbc.parameters.map((p) => show(FIGURE.sbcHistogram(p)))}</div>
            {sbc.ranks
              ? (
                <>
                  <div class="plots">{sbc.parameters.map((p) => show(FIGURE.sbcEcdf(p)))}</div>
                  <p class="caption">
                    ECDF difference (as sbi and ArviZ draw SBC): the empirical CDF of the {n}{" "}
                    normalised ranks minus the CDF of uniform ranks. The grey band is simultaneous: a calibrated
                    posterior's whole curve stays inside it with probability 99%, so a single excursion anywhere is
                    evidence of miscalibration. A curve above zero on the left and below on the right (∪-shaped ranks)
                    means an overconfident posterior (too narrow), the opposite (∩-shaped ranks) an underconfident one;
                    a curve all above or all below zero means a posterior biased high or low.
                  </p>
                </>
              )
              : <p class="missing">This run's sbc.json keeps no ranks: the ECDF plots need them.</p>}
            <table>
              <tr>
                <th>parameter</th>
                <th>KS statistic</th>
                <th>p-value</th>
                <th>uniform at α = 0.01</th>
              </tr>
              {sbc.parameters.map((name, j) => (
                <tr key={name}>
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
      {coverage ? show(FIGURE.coverage) : <p class="missing">Coverage not computed yet.</p>}
      {sbc?.ranks && (
        <>
          <h3>Coverage per parameter</h3>
          <p>
            The share of pairs whose θ* lies inside each parameter's central credible interval, from the SBC ranks; on
            the diagonal when calibrated, below it when overconfident.
          </p>
          {show(FIGURE.marginalCoverage)}
          <table>
            <tr>
              <th>parameter</th>
              {TABLE_LEVELS.map((level) => <th key={level}>{100 * level}% interval</th>)}
            </tr>
            {marginalCoverage(sbc.ranks, sbc.parameters.length, sbc.samples, TABLE_LEVELS).map((row, j) => (
              <tr key={sbc.parameters[j]}>
                <td>{sbc.parameters[j]}</td>
                {row.map((c, k) => <td key={k}>{(100 * c).toFixed(1)}%</td>)}
              </tr>
            ))}
          </table>
        </>
      )}
      <h2>Parameter recovery</h2>
      {manifest && figures.some((f) => f.name === FIGURE.recovery(manifest.prior[0].name))
        ? (
          <>
            <p>
              At each point of the grid of ground truths: the posterior median (dot) and its 95% interval (bar) against
              the truth; the dashed line is perfect recovery.
            </p>
            <div class="plots">{manifest.prior.map((p) => show(FIGURE.recovery(p.name)))}</div>
          </>
        )
        : <p class="missing">No recovery estimates yet (diagnostics/recovery.json with truths and medians).</p>}
    </Layout>
  );
}
