import { rmsePlot, volumePlot } from "../../lib/plots/fit.ts";
import { type FitObservationRecord, fitWaveformAxis, recordingScale, type RoundRecord } from "../../lib/fit/records.ts";
import { bandLabel, residualByBand } from "../../lib/fit/export.ts";
import { TRUNCATION_DEFAULTS } from "../../lib/fit/truncation.ts";
import { isBox } from "../../lib/prior/schema.ts";
import { fitSmoothingMs, loadFit } from "../../lib/server/fits.ts";
import { Layout, Svg } from "../../lib/server/layout.tsx";
import { PredictiveFigure } from "../../lib/server/posterior_views.tsx";
import { NotFound } from "../../lib/server/errors.ts";
import { RunNotFound } from "../../lib/runs/store.ts";
import type { RouteContext } from "../../lib/server/route.ts";

const volume = (v: { volume: number; se: number }) => `${v.volume.toPrecision(3)} ± ${v.se.toPrecision(2)}`;

/** Each round's record; the predictive RMSE × the recording scale, on the observation's own scale. */
function RoundsTable(props: { rounds: RoundRecord[]; scale: number }) {
  return (
    <table>
      <tr>
        <th>round</th>
        <th>proposal: prior mass</th>
        <th>sims (all rounds)</th>
        <th>epochs</th>
        <th>validation loss</th>
        <th>train loss</th>
        <th>region after: prior mass</th>
        <th>predictive RMSE</th>
        <th>seconds</th>
      </tr>
      {props.rounds.map((r) => (
        <tr key={r.round}>
          <td>{r.round}</td>
          <td>{volume(r.proposal)}</td>
          <td>{r.sims} ({r.total_sims})</td>
          <td>{r.training.epochs}</td>
          <td>{r.training.best_validation_loss.toFixed(3)}</td>
          <td>{r.training.final_train_loss.toFixed(3)}</td>
          <td>{volume(r.region)}</td>
          <td>{(r.predictive.rmse * props.scale).toPrecision(3)}</td>
          <td>{r.seconds.toFixed(0)}</td>
        </tr>
      ))}
    </table>
  );
}

/**
 * Where a round's misfit lies in frequency (fit-export's residual_by_band): its predictive median minus the
 * observation per band, beside the observation's own power there and what the model's smoothing of x lets through.
 */
function MisfitBands(props: { median: number[]; observation: FitObservationRecord; smoothingMs?: number }) {
  const { observation, smoothingMs } = props;
  const scale = recordingScale(observation), unit = observation.x_unit ?? "";
  const bands = residualByBand(
    props.median.map((m) => m * scale),
    observation.x.map((v) => v * scale),
    observation.times_ms[1] - observation.times_ms[0],
    smoothingMs,
  );
  return (
    <>
      <p class="caption">
        The predictive median's misfit by frequency band: the squares of the misfit column sum to the squared RMSE.
        {smoothingMs !== undefined &&
          ` The last column is the gain of the model's ${smoothingMs} ms Hamming smoothing of x at the band's lower edge: where the observation has power and the gain is small, θ can hardly close the misfit.`}
      </p>
      <table>
        <tr>
          <th>band</th>
          <th>misfit RMS {unit}</th>
          <th>observation RMS {unit}</th>
          {smoothingMs !== undefined && <th>smoothing gain</th>}
        </tr>
        {bands.map((b) => (
          <tr key={b.from_hz}>
            <td>{bandLabel(b)}</td>
            <td>{b.residual_rms.toFixed(2)}</td>
            <td>{b.recording_rms.toFixed(2)}</td>
            {b.smoothing_gain !== undefined && <td>{b.smoothing_gain.toFixed(2)}</td>}
          </tr>
        ))}
      </table>
    </>
  );
}

/** A fit's page: its settings, each round's region, loss and predictive error, and the observation against a round's bands. */
export default async function FitPage({ store, params, url }: RouteContext) {
  let view;
  try {
    view = await loadFit(store, params.run);
  } catch (error) {
    if (error instanceof RunNotFound) throw new NotFound(error.message);
    throw error;
  }
  const { fit, rounds, observation } = view;
  const smoothingMs = await fitSmoothingMs(store, view);
  const wanted = Number(url.searchParams.get("round") ?? rounds.length);
  const shown = rounds.find((r) => r.round === wanted) ?? rounds.at(-1);
  const s = fit.settings;
  const scale = observation ? recordingScale(observation) : 1;
  return (
    <Layout title={`Fit ${view.name}`}>
      <p>
        {fit.label}: truncated sequential NPE, at most {s.rounds} rounds of {s.sims_per_round} simulations
        {s.initial_dataset ? ` (round 1: the dataset ${s.initial_dataset})` : ""}, {s.flow} flow, seed {s.seed}. Status:
        {" "}
        <b>{fit.status}</b>
        {fit.stopped === "converged"
          ? ` after ${rounds.length} rounds: the region kept more than ${s.stop_ratio} of the previous one's prior mass.`
          : fit.stopped === "rounds"
          ? ` after the last round.`
          : `, ${rounds.length} rounds finished.`}
      </p>
      {"model" in s.target && s.target.trials && (
        <p>
          Each simulation's x is the mean of {s.target.trials} trials of its θ (<code>fit --trials</code>, as hnn-core's
          {" "}
          <code>n_trials</code>), and so is every predictive check.
        </p>
      )}
      {s.around && (
        <p>
          Around a tuned θ (<code>fit --around</code>): the model's prior cut down to θ ± {s.around.half_width}{" "}
          of each parameter's range on its scale,{" "}
          {fit.parameters.filter(isBox).map((p) => `${p.name} ${p.low.toPrecision(3)}–${p.high.toPrecision(3)}`).join(
            ", ",
          )}. Prior masses below are of that box.
        </p>
      )}
      {fit.status === "interrupted" && (
        <p class="warning">
          Interrupted: <code>{fit.command}</code> resumes it after its last finished round.
        </p>
      )}
      <h2>Rounds</h2>
      <p class="caption">
        Each round's θ come from the prior truncated to the previous posterior's region log q(θ | x_o) above its{" "}
        {s.quantile ?? TRUNCATION_DEFAULTS.quantile}{" "}
        quantile; a region's prior mass is the share of prior draws inside it (± one standard error).{scale !== 1 &&
          ` The RMSE is on the recording's scale: x × ${scale}.`}
      </p>
      {rounds.length === 0
        ? <p class="missing">No round has finished yet.</p>
        : <RoundsTable rounds={rounds} scale={scale} />}
      {rounds.length > 0 && (
        <div class="plots">
          <Svg svg={volumePlot(rounds)} />
          <Svg svg={rmsePlot([{ label: view.name, rounds, scale }])} />
        </div>
      )}
      {shown && observation && (
        <>
          <h2>The observation against round {shown.round}'s posterior-predictive bands</h2>
          <p>
            Round: {rounds.map((r) => (
              <a key={r.round} href={`?round=${r.round}`}>
                {r.round === shown.round ? <b>{r.round}</b> : r.round}
                {" "}
              </a>
            ))}
          </p>
          <PredictiveFigure
            predictive={shown.predictive.bands}
            x={observation.x}
            axis={fitWaveformAxis(observation)}
          />
          {"model" in s.target && (
            <MisfitBands
              median={shown.predictive.bands.q50}
              observation={observation}
              smoothingMs={smoothingMs}
            />
          )}
        </>
      )}
      {fit.status === "complete" && (
        <p>
          The final posterior: <a href={`/compare?a=${view.name}:fit`}>its marginals</a>, beside another fit or run's
          {" "}
          observation; <code>sample --posterior {view.name}/posterior --x {view.name}/observation.csv</code>{" "}
          draws from it.
        </p>
      )}
    </Layout>
  );
}
