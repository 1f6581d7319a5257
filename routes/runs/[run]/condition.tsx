import { DIPOLE_COLUMNS, resampleWaveform } from "../../../lib/data/waveform.ts";
import { CONDITION_DEFAULTS } from "../../../lib/experiments/condition_options.ts";
import { type PredictiveBands, predictivePlot } from "../../../lib/plots/posterior.ts";
import { loadRunReport, samplesCsv } from "../../../lib/plots/run_figures.ts";
import { EXPERIMENTS } from "../../../lib/experiments/configs.ts";
import { DEFAULT_RECORDING_UNITS } from "../../../lib/experiments/experiment_file.ts";
import type { RecordingUnits } from "../../../lib/experiments/recordings.ts";
import { type ConditionAnswer, conditionRequest, MAX_UPLOAD_BYTES } from "../../../lib/server/condition_request.ts";
import { Layout, Svg } from "../../../lib/server/layout.tsx";
import { readObservation } from "../../../lib/server/observations.ts";
import { PairPlot, PosteriorTable, PredictiveFigure, PriorCheck } from "../../../lib/server/posterior_views.tsx";
import type { RouteContext } from "../../../lib/server/route.ts";
import { DATASET_MANIFEST, EXPERIMENT, POSTERIOR, RUN_CONFIG } from "../../../lib/runs/records.ts";
import type { RunStore } from "../../../lib/server/runs.ts";

/** The recording units conditioning uses (lib/experiments/condition.ts): the run's config.json, else its name's file. */
async function runRecordingUnits(store: RunStore, run: string): Promise<RecordingUnits> {
  const config = await store.read(run, RUN_CONFIG);
  const name = config ? undefined : (await store.read(run, EXPERIMENT))?.name;
  const byName = name ? EXPERIMENTS[name]?.recordingUnits : undefined;
  if (byName) return byName;
  const units = config?.recording_units ?? DEFAULT_RECORDING_UNITS;
  return { scale: units.scale, smoothMs: units.smooth_ms };
}

/** Upload or pick a waveform; the form posts back here and works without JavaScript. */
async function ConditionForm({ params, store, data }: RouteContext) {
  const run = params.run;
  const times = (await store.read(run, DATASET_MANIFEST))?.times_ms ?? [];
  // What empty preparation fields stand for: the units of the run's experiment file (config.json; an older run
  // without one: the experiment file of its name), as conditioning uses them.
  const units = await runRecordingUnits(store, run);
  const { ids } = await readObservation(store, run);
  const labels = await Promise.all(ids.map(async (id) => (await readObservation(store, run, id)).observation?.label));
  // A data file the model's time base does not fit is listed, greyed out with the reason.
  const files = (await data.list()).map(({ name, waveform }) => {
    try {
      resampleWaveform(waveform, times, name);
      return { name, problem: "" };
    } catch (error) {
      return { name, problem: (error as Error).message };
    }
  });
  return (
    <form method="post" action={`/runs/${run}/condition`} enctype="multipart/form-data" class="condition">
      <p>
        <label>
          Upload a recording (CSV or text: two columns, time in ms and value, or an hnn-core dipole file from{" "}
          <code>Dipole.write</code>: time, agg, L2, L5; at most {MAX_UPLOAD_BYTES / 2 ** 20} MiB):{" "}
          <input type="file" name="waveform" accept=".csv,.txt,text/csv,text/plain" />
        </label>
      </p>
      <p>
        <label>
          or pick one:{" "}
          <select name="source">
            <option value="">—</option>
            <optgroup label={`observations of ${run}`}>
              {ids.map((id, k) => <option key={id} value={`observation:${id}`}>{labels[k] ?? id}</option>)}
            </optgroup>
            <optgroup label={`data files (${data.dir})`}>
              {files.map(({ name, problem }) => (
                <option key={name} value={`data:${name}`} disabled={problem !== ""} title={problem || undefined}>
                  {problem ? `${name} (does not cover the model's time base)` : name}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
      </p>
      <fieldset>
        <legend>
          How to read a recording (empty: the experiment's own, scale {units.scale} and{" "}
          {units.smoothMs ? `${units.smoothMs} ms smoothing` : "no smoothing"}; no offset, no baseline)
        </legend>
        <label>
          column{" "}
          <select name="column">
            {DIPOLE_COLUMNS.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>{" "}
        <label>
          scale (x = recording ÷ scale){" "}
          <input type="number" name="scale" step="any" size={8} placeholder={String(units.scale)} />
        </label>{" "}
        <label>
          smoothing (ms, Hamming; 0: none){" "}
          <input type="number" name="smooth_ms" step="any" min="0" size={6} placeholder={String(units.smoothMs)} />
        </label>{" "}
        <label>
          time offset (ms, added to the file's times) <input type="number" name="offset_ms" step="any" size={6} />
        </label>{" "}
        <label>
          baseline from <input type="number" name="baseline_from" step="any" size={6} />
        </label>{" "}
        <label>
          to <input type="number" name="baseline_to" step="any" size={6} /> ms (its mean is subtracted)
        </label>
      </fieldset>
      <p>
        <button type="submit">Condition the posterior</button>
      </p>
    </form>
  );
}

/** The result is not stored: its samples travel in the link itself, so the download needs no second request. */
function samplesLink(run: string, label: string, prior: ConditionAnswer["prior"], samples: number[][]) {
  const stem = `${run}-${label.replace(/\.[^.]*$/, "")}`.replace(/[^A-Za-z0-9._-]/g, "_");
  return {
    href: `data:text/csv;charset=utf-8,${encodeURIComponent(samplesCsv(prior, samples))}`,
    file: `${stem}-samples.csv`,
  };
}

function Result(
  { run, answer: { result, prior, cut }, priorBands }: {
    run: string;
    answer: ConditionAnswer;
    priorBands?: PredictiveBands;
  },
) {
  const link = samplesLink(run, result.label, prior, result.samples);
  return (
    <>
      {cut && <p class="note">{cut}.</p>}
      <h2>Posterior</h2>
      <p>
        {result.samples.length}{" "}
        posterior samples in the prior's units ({(100 * result.acceptance_rate).toFixed(1)}% of the flow's draws fell
        inside the prior).
      </p>
      <PosteriorTable prior={prior} samples={result.samples} />
      <PairPlot prior={prior} samples={result.samples} />
      <p class="downloads">
        Download: <a href={link.href} download={link.file}>samples (CSV)</a>
      </p>
      <h2>Posterior-predictive check</h2>
      <PredictiveFigure predictive={result.predictive} x={result.x} axis={result.waveform_axis} />
      {priorBands && (
        <>
          <h2>Prior-predictive check</h2>
          <Svg svg={predictivePlot(priorBands, result.x)} />
          <PriorCheck bands={priorBands} x={result.x} />
        </>
      )}
    </>
  );
}

function intro(run: string) {
  return (
    <p>
      The server cuts a recording to the model's window, resamples it onto the model's time base, brings it to x's units
      as the experiment prepares its recordings (scale, smoothing), passes it through {run}'s summary statistic, draws
      {" "}
      {CONDITION_DEFAULTS.samples} samples from the trained posterior and simulates {CONDITION_DEFAULTS.predictiveSims}
      {" "}
      of them for the predictive bands.
    </p>
  );
}

export default async function ConditionPage(ctx: RouteContext) {
  const run = ctx.params.run;
  await ctx.store.dir(run);
  const trained = await ctx.store.read(run, POSTERIOR);
  return (
    <Layout title={`Condition ${run}`} run={run}>
      {trained
        ? (
          <>
            {intro(run)}
            {await ConditionForm(ctx)}
          </>
        )
        : <p class="missing">No trained posterior yet: this run cannot be conditioned.</p>}
    </Layout>
  );
}

export async function POST(ctx: RouteContext) {
  const answer = await conditionRequest(ctx);
  return (
    <Layout title={`${ctx.params.run} conditioned on ${answer.result.label}`} run={ctx.params.run}>
      <Result
        run={ctx.params.run}
        answer={answer}
        priorBands={(await loadRunReport(ctx.store, ctx.params.run, { priorPredictive: true })).priorPredictive}
      />
      <h2>Condition on another waveform</h2>
      {await ConditionForm(ctx)}
    </Layout>
  );
}
