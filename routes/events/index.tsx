import { BETA_MEG } from "../../lib/events/beta_meg.ts";
import { subjectReport } from "../../lib/events/report.ts";
import { BETA_PAPER_SUBJECT } from "../../lib/experiments/configs.ts";
import { Layout } from "../../lib/server/layout.tsx";

/** The beta-event report's entry: what the recordings are, every subject's event rates, one page per subject. */
export default async function EventsIndex() {
  const [low, high] = BETA_MEG.detect.band;
  // Sequentially: each subject's first analysis is seconds of CPU, cached afterwards.
  const reports = [];
  for (const n of BETA_MEG.subjects) reports.push(await subjectReport(n));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const fewerBeforeDetected = reports.filter((r) => r.detected.rate_per_s < r.missed.rate_per_s).length;
  return (
    <Layout title="Beta events in the pre-stimulus MEG">
      <p>
        One second of SI source activity before each of 200 taps per subject (Shin et al. 2017), 100 of them felt
        (detected) and 100 missed. Beta events: maxima of each trial's Morlet TFR in {low}–{high} Hz above{" "}
        {BETA_MEG.detect.thresholdFom}{" "}
        × the subject's median power at their frequency. Each subject's page shows a trial's TFR with its events, the
        event rate before detected and before missed taps, the events' trough-aligned waveforms in bins of trough
        amplitude, and the beta model's posteriors conditioned on them where a run has them
        {BETA_PAPER_SUBJECT === undefined ? "." : (
          <>
            {" "}(the <code>beta</code> experiment conditions on subject{" "}
            {BETA_PAPER_SUBJECT}'s events and on the other subjects' pooled).
          </>
        )}
      </p>
      <p>
        Events per trial per second before detected and before missed taps: lower before detected taps in{" "}
        {fewerBeforeDetected} of {reports.length} subjects (mean{" "}
        {mean(reports.map((r) => r.detected.rate_per_s)).toFixed(2)} against{" "}
        {mean(reports.map((r) => r.missed.rate_per_s)).toFixed(2)}), as Shin et al. found: beta events before a tap
        lower the chance it is felt.
      </p>
      <table>
        <tr>
          <th>subject</th>
          <th>events</th>
          <th>rate before detected taps</th>
          <th>rate before missed taps</th>
          <th>events −100…−60 / −60…−30 nAm</th>
        </tr>
        {reports.map((r) => (
          <tr key={r.subject}>
            <td>
              <a href={`/events/${r.subject}`}>subject {r.subject}</a>
              {r.subject === BETA_PAPER_SUBJECT ? " (the beta experiment's)" : ""}
            </td>
            <td>{r.events}</td>
            <td>{r.detected.rate_per_s.toFixed(3)}</td>
            <td>{r.missed.rate_per_s.toFixed(3)}</td>
            <td>{r.waveforms.bins.map((b) => b.n_events).join(" / ")}</td>
          </tr>
        ))}
      </table>
    </Layout>
  );
}
