/**
 * Event waveforms on trials whose troughs are known: found, aligned, binned by amplitude and averaged exactly, and
 * brought onto a model's time base with the trough where it is asked to be.
 */
import assert from "node:assert/strict";
import type { SpectralEvent } from "../lib/events/events.ts";
import { BETA_TIME_BASE, eventWaveforms, findTrough, onModelTimeBase } from "../lib/events/waveforms.ts";

const FS = 600, N = 600;

/** The planted shape, nAm per nAm of depth: a 20 Hz cycle under a 15 ms Gaussian, its trough at t = 0. */
const shape = (t: number) => -Math.exp(-(t * t) / (2 * 0.015 ** 2)) * Math.cos(2 * Math.PI * 20 * t);

/** An event as the detector reports it, only its peak time and frequency mattering here. */
function event(peakTimeS: number, peakFreqHz = 20): SpectralEvent {
  return {
    peak_time_s: peakTimeS,
    peak_freq_hz: peakFreqHz,
    lower_freq_hz: 0,
    upper_freq_hz: 0,
    freq_span_hz: 0,
    onset_s: 0,
    offset_s: 0,
    duration_s: 0,
    peak_power: 0,
    normalized_peak_power: 0,
  };
}

/** Trials in A·m with troughs of the given depths (nAm) at the given samples. */
function trialsWith(troughs: { trial: number; sample: number; depthNam: number }[], nTrials: number) {
  const data = new Float64Array(nTrials * N);
  for (const { trial, sample, depthNam } of troughs) {
    for (let k = 0; k < N; k++) data[trial * N + k] += depthNam * 1e-9 * shape((k - sample) / FS);
  }
  return { nTrials, nTimes: N, data };
}

Deno.test("waveforms: the most prominent trough within half a cycle of the peak", () => {
  const x = new Float64Array(100);
  x[40] = -1; // shallow, at the peak time
  x[46] = -3; // deeper, 6 samples (10 ms) later: within half a 20 Hz cycle (15 samples)
  x[70] = -9; // deeper still, but a cycle away
  assert.deepEqual(findTrough(x, FS, 40 / FS, 20), { sample: 46 });
  assert.deepEqual(findTrough(new Float64Array(100), FS, 40 / FS, 20), { reason: "no_trough" }, "flat: no trough");
});

Deno.test("waveforms: events aligned on their troughs and averaged in bins of trough amplitude", () => {
  const trials = trialsWith([
    { trial: 0, sample: 180, depthNam: 80 },
    { trial: 1, sample: 300, depthNam: 70 },
    { trial: 2, sample: 240, depthNam: 40 },
    { trial: 2, sample: 450, depthNam: 20 },
    { trial: 3, sample: 30, depthNam: 90 },
  ], 4);
  const events = [
    [event(188 / FS), event(0.9)], // 8 samples past the trough; a flat stretch
    [event(293 / FS)],
    [event(245 / FS), event(450 / FS)],
    [event(30 / FS)], // 50 ms from the start: a ±100 ms segment runs off
  ];
  const result = eventWaveforms(trials, events, { fs: FS, binEdgesNam: [-100, -60, -30], toNam: 1e9, segmentMs: 100 });
  assert.deepEqual(result.counts, { events: 6, no_trough: 1, at_edges: 1, outside_bins: 1 });
  assert.equal(result.segment_times_ms.length, 121);
  assert.equal(result.segment_times_ms[60], 0);
  assert.deepEqual(result.bins.map((b) => [b.lower_nam, b.upper_nam, b.n_events]), [[-100, -60, 2], [-60, -30, 1]]);
  const expect = [75, 40]; // the mean depth of each bin
  result.bins.forEach((bin, b) => {
    bin.mean_nam!.forEach((v, k) => {
      const want = expect[b] * shape(result.segment_times_ms[k] / 1000);
      assert.ok(Math.abs(v - want) < 1e-9, `bin ${b}, sample ${k}: ${v} nAm, expected ${want}`);
    });
  });
  // Depths 80 and 70 nAm about their mean 75: sample sd √((5² + 5²) / 1) = √50 times the shape; one event: none.
  result.bins[0].sd_nam!.forEach((v, k) => {
    const want = Math.sqrt(50) * Math.abs(shape(result.segment_times_ms[k] / 1000));
    assert.ok(Math.abs(v - want) < 1e-6, `sd at sample ${k}: ${v} nAm, expected ${want}`);
  });
  assert.equal(result.bins[1].sd_nam, null);
  const empty = eventWaveforms(trials, [[], [], [], []], {
    fs: FS,
    binEdgesNam: [-100, -60],
    toNam: 1e9,
    segmentMs: 100,
  });
  assert.deepEqual(empty.bins, [{ lower_nam: -100, upper_nam: -60, n_events: 0, mean_nam: null, sd_nam: null }]);
  assert.throws(
    () => eventWaveforms(trials, events, { fs: FS, binEdgesNam: [-30, -60], toNam: 1e9, segmentMs: 100 }),
    /bin edges must be at least two increasing numbers/,
  );
});

Deno.test("waveforms: on the model's time base the trough sits at the asked time, in the model's units", () => {
  const times = Array.from({ length: 121 }, (_, k) => ((k - 60) * 1000) / FS);
  const mean = times.map((t) => 75 * shape(t / 1000));
  const raw = onModelTimeBase(times, mean, { ...BETA_TIME_BASE, smoothMs: 0 });
  assert.equal(raw.times_ms.length, 200);
  assert.equal(raw.times_ms[0], 158);
  assert.equal(raw.times_ms.at(-1), 257.5);
  const trough = raw.x.indexOf(Math.min(...raw.x));
  assert.equal(raw.times_ms[trough], 208);
  assert.ok(Math.abs(raw.x[trough] - -75 / 60000) < 1e-12);
  // Between the recording's samples, linear interpolation: within 1 % of the depth of the true shape.
  raw.x.forEach((v, k) =>
    assert.ok(Math.abs(v - (75 * shape((raw.times_ms[k] - 208) / 1000)) / 60000) < 0.01 * 75 / 60000)
  );
  // Smoothing runs over more than the window, so a constant keeps its value up to the window's ends.
  const flat = onModelTimeBase(times, times.map(() => -30), BETA_TIME_BASE);
  flat.x.forEach((v, k) => assert.ok(Math.abs(v - -30 / 60000) < 1e-9, `sample ${k}: ${v}`));
  const smoothed = onModelTimeBase(times, mean, BETA_TIME_BASE);
  assert.ok(Math.min(...smoothed.x) > raw.x[trough], "20 ms of smoothing makes the trough shallower");
  assert.throws(() => onModelTimeBase(times.map((t) => t / 2), mean, BETA_TIME_BASE), /model's time base needs/);
});
