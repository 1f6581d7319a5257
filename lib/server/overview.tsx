/**
 * The sections of a run's overview page, each from one file of the run folder (docs/runs.md): the experiment's
 * settings, the model and its prior, the dataset, training and the headline results. Each says when its file is
 * not there yet.
 */
import type { DatasetManifest } from "../data/dataset.ts";
import { EXPERIMENTS } from "../experiments/configs.ts";
import type { FlowConfig } from "../flows/flow.ts";
import { trainingCurves } from "../plots/diagnostics.ts";
import type { ExperimentRecord, TrainingRecord } from "../runs/types.ts";
import type { FittedSummary } from "../stats/summary.ts";
import { Svg } from "./layout.tsx";

/** Rows of a two-column table; rows whose value is undefined are left out. */
function Facts(props: { rows: [string, unknown][] }) {
  return (
    <table>
      {props.rows.filter(([, value]) => value !== undefined).map(([name, value]) => (
        <tr key={name}>
          <th>{name}</th>
          <td>{String(value)}</td>
        </tr>
      ))}
    </table>
  );
}

function minutesBetween(start?: string, end?: string): string | undefined {
  if (!start || !end) return undefined;
  return `${((Date.parse(end) - Date.parse(start)) / 60_000).toFixed(1)} min`;
}

function statusText(e: ExperimentRecord): string {
  const status = e.error ? `${e.status}: ${e.error}` : e.status;
  const resumable = e.status === "interrupted" || e.status === "failed";
  return resumable && e.command ? `${status} (resume with: ${e.command})` : status;
}

export function ExperimentSection(props: { experiment: ExperimentRecord; summary?: FittedSummary }) {
  const { experiment: e, summary } = props;
  const b = e.budget;
  const description = e.name && EXPERIMENTS[e.name]?.description;
  return (
    <>
      <h2>Experiment</h2>
      <Facts
        rows={[
          ["experiment", e.name && `${e.name}${description ? `: ${description}` : ""}`],
          ["model", e.model],
          ["size", e.size],
          ["status", statusText(e)],
          ["summary statistic", summary && e.summary ? `${e.summary} (${summary.names.length} features)` : e.summary],
          ["density estimator", e.flow],
          ["observation noise", e.noise === undefined ? undefined : e.noise ? `uniform ±${e.noise}` : "none"],
          ["θ jitter (training)", e.theta_jitter ? `N(0, ${e.theta_jitter}²) on the unit scale` : undefined],
          ["seed", e.seed],
          ["started", e.started],
          ["resumed", e.resumed],
          ["finished", e.finished],
          ["duration", minutesBetween(e.started, e.finished)],
        ]}
      />
      {b && (
        <>
          <h3>Budget</h3>
          <Facts
            rows={[
              ["training simulations", b.sims],
              ["SBC and coverage", `${b.sbcPairs} pairs × ${b.sbcSamples} posterior samples`],
              ["recovery grid", `${b.gridPoints} points per parameter × ${b.gridSamples} posterior samples`],
              ["predictive simulations per check", b.predictiveSims],
              ["posterior samples per observation", b.observationSamples],
            ]}
          />
        </>
      )}
    </>
  );
}

export function ModelSection(props: { manifest: DatasetManifest }) {
  const m = props.manifest, times = m.times_ms;
  return (
    <>
      <h2>Model and prior</h2>
      <p>
        model <b>{m.model}</b>: {times.length} samples per simulation from {times[0]} to {times.at(-1)} ms, every{" "}
        {m.dt_ms} ms. Each parameter is uniform between its bounds on its scale (log10: uniform in the exponent).
      </p>
      <table>
        <tr>
          <th>parameter</th>
          <th>low</th>
          <th>high</th>
          <th>scale</th>
          <th>unit</th>
        </tr>
        {m.prior.map((p) => (
          <tr key={p.name}>
            <td>{p.name}</td>
            <td>{p.low}</td>
            <td>{p.high}</td>
            <td>{p.scale}</td>
            <td>{p.unit ?? ""}</td>
          </tr>
        ))}
      </table>
    </>
  );
}

export function DatasetSection(props: { manifest: DatasetManifest }) {
  const m = props.manifest;
  return (
    <>
      <h2>Dataset</h2>
      <Facts
        rows={[
          ["simulations", m.n],
          ["non-finite (failed) fraction", ((m.nonfinite_rows ?? 0) / m.n).toFixed(4)],
          ["simulations per second", m.sims_per_second ? Math.round(m.sims_per_second) : "—"],
          ["adapter", m.adapter ? `${m.adapter.description}${m.adapter.fallback ? " (software)" : ""}` : "—"],
          ["status", m.status],
        ]}
      />
    </>
  );
}

/** `training.json` beside the curves it plots. */
export function TrainingSection(props: { training: TrainingRecord; flow?: FlowConfig }) {
  const { training: t, flow } = props;
  const best = t.epochs.find((e) => e.epoch === t.best_epoch);
  return (
    <>
      <Svg svg={trainingCurves(t)} />
      <Facts
        rows={[
          ["flow", flow && `${flow.kind}, ${flow.numTransforms} transforms of ${flow.hiddenFeatures} hidden units`],
          ["epochs", t.epochs.length],
          ["kept weights of epoch", best && `${best.epoch} (validation loss ${best.validation_loss.toFixed(4)})`],
          ["training time", t.seconds === undefined ? undefined : `${(t.seconds / 60).toFixed(1)} min`],
          ["pairs dropped (NaN or ±Inf)", t.dropped_nonfinite_rows],
        ]}
      />
    </>
  );
}

export function ResultsSection(
  props: { run: string; results: NonNullable<ExperimentRecord["results"]>; names: string[] },
) {
  const r = props.results;
  return (
    <>
      <h2>Results</h2>
      <p>
        SBC rejects uniform ranks for {r.sbc_rejected} of {props.names.length}{" "}
        parameters; the expected coverage deviates from the diagonal by at most {r.coverage_max_deviation.toFixed(3)}
        {" "}
        (<a href={`/runs/${props.run}/diagnostics`}>diagnostics</a>). Median predictive RMSE over the recovery grid:
        {" "}
        {r.median_predictive_rmse.toPrecision(3)}.
      </p>
      <table>
        <tr>
          <th>parameter</th>
          <th>SBC p-value</th>
          <th>median recovery error (unit scale)</th>
          <th>
            OVL of the <a href={`/compare?a=${props.run}`}>two conditioning points</a>
          </th>
        </tr>
        {props.names.map((name, j) => (
          <tr key={name}>
            <td>{name}</td>
            <td>{r.sbc_pvalues[j]?.toPrecision(3)}</td>
            <td>{r.median_recovery_error[j]?.toFixed(4)}</td>
            <td>{r.overlap.find((o) => o.parameter === name)?.ovl.toFixed(3) ?? "—"}</td>
          </tr>
        ))}
      </table>
    </>
  );
}
