/** Figures of the beta-event report: a trial's TFR with its events, event rates, binned event waveforms. */
import type { SpectralEvent } from "../events/events.ts";
import type { TrialGroup } from "../events/report.ts";
import type { EventWaveforms } from "../events/waveforms.ts";
import { Plot, plotSvg } from "./svg.ts";

/** TFR pixels are drawn per this many samples (the largest of them, so no event's peak is lost): 10 ms at 600 Hz. */
const TFR_BLOCK = 6;

/** Colour steps of the TFR: power over its frequency's median. */
const RELATIVE_POWER_STEPS = [0.5, 1, 2, 4, 6, 10, 20];

/**
 * Heat map of power over its frequency's median (stepped colour) on time × frequency, the band's edges dashed, and each
 * event as its peak (dot) inside its half-maximum box (onset–offset × lower–upper frequency).
 */
export function tfrPlot(
  tfr: { times_s: number[]; freqs_hz: number[]; relative: ArrayLike<number> },
  events: SpectralEvent[],
  band: readonly [number, number],
  title: string,
): string {
  const nTimes = tfr.times_s.length, dt = tfr.times_s[1] - tfr.times_s[0];
  const cells: { t1: number; t2: number; f1: number; f2: number; value: number }[] = [];
  tfr.freqs_hz.forEach((f, i) => {
    for (let t = 0; t < nTimes; t += TFR_BLOCK) {
      let value = 0;
      for (let k = t; k < Math.min(t + TFR_BLOCK, nTimes); k++) value = Math.max(value, tfr.relative[i * nTimes + k]);
      const end = Math.min(t + TFR_BLOCK, nTimes);
      cells.push({ t1: tfr.times_s[t], t2: tfr.times_s[end - 1] + dt, f1: f - 0.5, f2: f + 0.5, value });
    }
  });
  return plotSvg({
    title,
    width: 760,
    height: 320,
    marginLeft: 44,
    x: { label: "time in the trial (s)" },
    y: { label: "frequency (Hz)" },
    // Threshold colours (their legend needs no canvas, unlike a continuous ramp); 6: the events' threshold.
    color: {
      type: "threshold",
      domain: RELATIVE_POWER_STEPS,
      scheme: "viridis",
      label: "power / median",
      legend: true,
    },
    marks: [
      Plot.rect(cells, { x1: "t1", x2: "t2", y1: "f1", y2: "f2", fill: "value" }),
      Plot.ruleY(band, { stroke: "white", strokeDasharray: "4,3" }),
      Plot.rect(events, {
        x1: "onset_s",
        x2: "offset_s",
        y1: "lower_freq_hz",
        y2: "upper_freq_hz",
        stroke: "red",
        fill: "none",
      }),
      Plot.dot(events, { x: "peak_time_s", y: "peak_freq_hz", fill: "red", r: 3 }),
    ],
  });
}

/** Events per trial per second on detected and on missed trials. */
export function eventRatePlot(detected: TrialGroup, missed: TrialGroup): string {
  const rows = [{ before: "detected", rate: detected.rate_per_s }, { before: "missed", rate: missed.rate_per_s }];
  return plotSvg({
    width: 260,
    height: 220,
    marginLeft: 44,
    x: { label: "taps" },
    y: { label: "events / trial / s", grid: true },
    marks: [Plot.barY(rows, { x: "before", y: "rate", fill: "before" }), Plot.ruleY([0])],
  });
}

/** Each bin's average trough-aligned waveform, ± one standard deviation shaded, labelled with its count. */
export function eventWaveformPlot(waveforms: EventWaveforms): string {
  const rows = waveforms.bins.flatMap((bin) => {
    if (bin.mean_nam === null) return [];
    const name = `${bin.lower_nam}…${bin.upper_nam} nAm (${bin.n_events} events)`;
    return bin.mean_nam.map((mean, k) => {
      const sd = bin.sd_nam?.[k] ?? 0;
      return { t: waveforms.segment_times_ms[k], mean, low: mean - sd, high: mean + sd, bin: name };
    });
  });
  return plotSvg({
    width: 520,
    height: 280,
    marginLeft: 50,
    x: { label: "time from the trough (ms)" },
    y: { label: "nAm", grid: true },
    color: { legend: true },
    marks: [
      Plot.areaY(rows, { x: "t", y1: "low", y2: "high", fill: "bin", fillOpacity: 0.2 }),
      Plot.lineY(rows, { x: "t", y: "mean", stroke: "bin" }),
      Plot.ruleX([0], { stroke: "#888" }),
    ],
  });
}
