import { BETA_MEG } from "../../lib/events/beta_meg.ts";
import { subjectReport, type TrialGroup, trialTfr } from "../../lib/events/report.ts";
import { eventRatePlot, eventWaveformPlot, tfrPlot } from "../../lib/plots/events.ts";
import { eventPosteriors } from "../../lib/server/event_runs.ts";
import { Layout, Svg } from "../../lib/server/layout.tsx";
import { BadRequest, NotFound } from "../../lib/server/errors.ts";
import type { RouteContext } from "../../lib/server/route.ts";

function Rates(props: { detected: TrialGroup; missed: TrialGroup }) {
  const row = (name: string, g: TrialGroup) => (
    <tr>
      <td>{name}</td>
      <td>{g.trials}</td>
      <td>{g.events}</td>
      <td>{g.rate_per_s.toFixed(3)}</td>
      <td>{(100 * g.with_event).toFixed(0)}%</td>
    </tr>
  );
  return (
    <table>
      <tr>
        <th>trials before</th>
        <th>trials</th>
        <th>events</th>
        <th>events / trial / s</th>
        <th>trials with an event</th>
      </tr>
      {row("detected taps", props.detected)}
      {row("missed taps", props.missed)}
    </table>
  );
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** `?trial=` (0-based), else the subject's first trial with an event. */
function chosenTrial(url: URL, eventsPerTrial: number[]): number {
  const asked = url.searchParams.get("trial");
  if (asked === null) return Math.max(0, eventsPerTrial.findIndex((n) => n > 0));
  const trial = Number(asked);
  if (!/^\d+$/.test(asked) || trial >= eventsPerTrial.length) {
    throw new BadRequest(`trial must be a whole number from 0 to ${eventsPerTrial.length - 1}, got ${asked}`);
  }
  return trial;
}

export default async function SubjectEvents({ params, url, store }: RouteContext) {
  const n = Number(params.subject);
  if (!/^\d+$/.test(params.subject) || !BETA_MEG.subjects.includes(n)) {
    throw new NotFound(`no beta MEG subject ${JSON.stringify(params.subject)} (subjects 1–10)`);
  }
  const report = await subjectReport(n);
  const perTrial = report.eventsPerTrial;
  const trial = chosenTrial(url, perTrial);
  const [tfr, posteriors] = await Promise.all([trialTfr(n, trial), eventPosteriors(store, n)]);
  const { counts } = report.waveforms;
  return (
    <Layout title={`Beta events of subject ${n}`}>
      <p>
        <a href="/events">All subjects</a> · {report.events} events in {report.trials} trials of{" "}
        {report.seconds_per_trial} s.
      </p>
      <h2>Before detected and before missed taps</h2>
      <div class="plots">
        <Rates detected={report.detected} missed={report.missed} />
        <Svg svg={eventRatePlot(report.detected, report.missed)} />
      </div>
      <h2>Event waveforms</h2>
      <p>
        Each event's raw trace ±{BETA_MEG.segmentMs}{" "}
        ms about its deepest trough within half a cycle of its peak, averaged per bin of trough amplitude; shaded: ± one
        standard deviation. Of {counts.events} events, {counts.at_edges} lie too near a trial's edge for the segment,
        {" "}
        {counts.outside_bins} have troughs outside the bins and {counts.no_trough} no trough.
      </p>
      <table>
        <tr>
          <th>trough bin (nAm)</th>
          <th>events</th>
        </tr>
        {report.waveforms.bins.map((bin) => (
          <tr key={bin.lower_nam}>
            <td>
              {bin.lower_nam}…{bin.upper_nam}
            </td>
            <td>{bin.n_events}</td>
          </tr>
        ))}
      </table>
      <Svg svg={eventWaveformPlot(report.waveforms)} />
      <h2>Conditioned posteriors</h2>
      {posteriors.length === 0
        ? (
          <p class="missing">
            No run holds posteriors conditioned on this subject's events: run the <code>beta</code> experiment.
          </p>
        )
        : (
          <ul>
            {posteriors.map((p) => (
              <li key={`${p.run}:${p.subjects.join(",")}`}>
                {p.run}, events of subject{p.subjects.length > 1 ? "s" : ""} {p.subjects.join(", ")}:{" "}
                {p.bins.length >= 2
                  ? (
                    <a href={`/compare?a=${p.run}:${p.bins[0].id}&b=${p.run}:${p.bins[1].id}`}>
                      compare {p.bins[0].trough_bin_nam.join("…")} against {p.bins[1].trough_bin_nam.join("…")} nAm
                    </a>
                  )
                  : <a href={`/runs/${p.run}/posterior?obs=${p.bins[0].id}`}>{p.bins[0].label}</a>}
              </li>
            ))}
          </ul>
        )}
      <h2>Trial {trial}</h2>
      <form method="get" action={`/events/${n}`}>
        <select name="trial">
          {perTrial.map((count, k) => (
            <option key={k} value={String(k)} selected={k === trial}>
              trial {k} ({report.detectedTrials[k] ? "detected" : "missed"}, {plural(count, "event")})
            </option>
          ))}
        </select>{" "}
        <button type="submit">Show</button>
      </form>
      <Svg
        svg={tfrPlot(
          tfr,
          tfr.events,
          BETA_MEG.detect.band,
          `Trial ${trial} (${tfr.detected ? "detected" : "missed"} tap): power over the median at its frequency; ${
            plural(tfr.events.length, "event")
          }`,
        )}
      />
    </Layout>
  );
}
