import { BETA_MEG } from "../../lib/events/beta_meg.ts";
import { BETA_PAPER_SUBJECT } from "../../lib/experiments/configs.ts";
import { Layout } from "../../lib/server/layout.tsx";

/** The beta-event report's entry: what the recordings are and one page per subject. */
export default function EventsIndex() {
  const [low, high] = BETA_MEG.detect.band;
  return (
    <Layout title="Beta events in the pre-stimulus MEG">
      <p>
        One second of SI source activity before each of 200 taps per subject (Shin et al. 2017), 100 of them felt
        (detected) and 100 missed. Beta events: maxima of each trial's Morlet TFR in {low}–{high} Hz above{" "}
        {BETA_MEG.detect.thresholdFom}{" "}
        × the subject's median power at their frequency. Each subject's page shows a trial's TFR with its events, the
        event rate before detected and before missed taps, the events' trough-aligned waveforms in bins of trough
        amplitude, and the beta model's posteriors conditioned on them where a run has them (the <code>beta</code>{" "}
        experiment conditions on subject {BETA_PAPER_SUBJECT}'s events and on the other subjects' pooled).
      </p>
      <ul>
        {BETA_MEG.subjects.map((n) => (
          <li key={n}>
            <a href={`/events/${n}`}>subject {n}</a>
            {n === BETA_PAPER_SUBJECT ? " (the beta experiment's subject)" : ""}
          </li>
        ))}
      </ul>
    </Layout>
  );
}
