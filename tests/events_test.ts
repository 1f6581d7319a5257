/**
 * Spectral-event detection on signals whose bursts are known (time, frequency, duration), on hand-made TFRs whose
 * regional maxima are known, at the trial's edges, with flat segments and single trials, and its one-line refusals.
 */
import assert from "node:assert/strict";
import { checkDetectInput, detectEvents, type Trials } from "../lib/events/detect.ts";
import { findEvents, fwhmBounds, medianPowers, type SpectralEvent } from "../lib/events/events.ts";
import { detrendLinear, morletWavelet } from "../lib/events/tfr.ts";
import { seededUniform } from "../lib/random.ts";

const FS = 600, N = 600;
const BETA = { fs: FS, band: [15, 29] as [number, number], thresholdFom: 6 };

/** Seeded white noise of unit variance (Box–Muller), trials × samples. */
function noise(nTrials: number, seed: number): Float64Array {
  const u = seededUniform(seed);
  return Float64Array.from(
    { length: nTrials * N },
    () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()),
  );
}

/** Adds a Gaussian-enveloped cosine burst (centre s, envelope sd s, Hz) to one trial. */
function addBurst(data: Float64Array, trial: number, burst: { t: number; sd: number; f: number; amp: number }): void {
  for (let k = 0; k < N; k++) {
    const dt = k / FS - burst.t;
    data[trial * N + k] += burst.amp * Math.exp(-(dt * dt) / (2 * burst.sd * burst.sd)) *
      Math.cos(2 * Math.PI * burst.f * dt);
  }
}

/** Standard deviation (s) of the Gaussian of the 7-cycle Morlet wavelet at `f` Hz. */
const waveletSd = (f: number) => 7 / (2 * Math.PI * f);

/**
 * Where a Gaussian burst's wavelet power peaks in frequency, from the continuous transform: at the burst's centre
 * the wavelet at f answers A(f)·σ·exp(−2π²(f0 − f)²σ²) with 1/σ² = 1/sd² + 1/sd_w(f)² and A(f) = 1/(sd_w(f)·√2π)
 * (the unit-energy amplitude, which favours the frequency above f0 when the burst is short).
 */
function expectedPeakFreq(sd: number, f0: number): number {
  const response = (f: number) => {
    const sigma = 1 / Math.sqrt(1 / (sd * sd) + 1 / waveletSd(f) ** 2);
    return (sigma / waveletSd(f)) * Math.exp(-2 * Math.PI ** 2 * (f0 - f) ** 2 * sigma ** 2);
  };
  return Array.from({ length: 60 }, (_, i) => i + 1).reduce((a, b) => (response(b) > response(a) ? b : a));
}

/** FWHM (s) of that power in time: an amplitude of variance sd² + sd_w(f)², squared. */
function expectedDuration(sd: number, f: number): number {
  return 2 * Math.sqrt(Math.LN2) * Math.sqrt(sd * sd + waveletSd(f) ** 2);
}

function strongest(events: SpectralEvent[]): SpectralEvent {
  return events.reduce((a, b) => (b.peak_power > a.peak_power ? b : a));
}

Deno.test("events: the Morlet wavelet follows SpectralEvents (odd length, ±3.5 sd, unit-energy amplitude)", () => {
  const w = morletWavelet(20, FS, 7);
  const sd = 7 / (2 * Math.PI * 20);
  assert.equal(w.re.length, 2 * Math.ceil(3.5 * sd * FS) - 1);
  const half = (w.re.length - 1) / 2;
  assert.ok(Math.abs(w.re[half] - 1 / (sd * Math.sqrt(2 * Math.PI))) < 1e-12);
  assert.equal(w.im[half], 0);
  assert.ok(Math.abs(w.im[half + 3] + w.im[half - 3]) < 1e-12, "imaginary part odd");
  // Least squares: the residual is orthogonal to 1 and t, and what was removed is a line.
  const x = Float64Array.from({ length: 50 }, (_, i) => 3 + 0.5 * i + (i % 3) ** 2);
  const r = detrendLinear(x);
  assert.ok(Math.abs(r.reduce((a, v) => a + v, 0)) < 1e-9);
  assert.ok(Math.abs(r.reduce((a, v, i) => a + v * i, 0)) < 1e-9);
  for (let i = 2; i < 50; i++) {
    assert.ok(Math.abs(x[i] - r[i] - 2 * (x[i - 1] - r[i - 1]) + x[i - 2] - r[i - 2]) < 1e-9);
  }
});

Deno.test("events: bursts of known time, frequency and duration are found where they are", () => {
  const bursts = [
    // Long enough that the frequency response has one clear maximum (2–4 % above its neighbours).
    { trial: 0, t: 0.35, sd: 0.08, f: 16, amp: 12 },
    { trial: 1, t: 0.5, sd: 0.1, f: 20, amp: 12 },
    { trial: 2, t: 0.62, sd: 0.08, f: 24, amp: 12 },
    { trial: 3, t: 0.45, sd: 0.1, f: 28, amp: 12 },
  ];
  const data = noise(30, 7);
  for (const b of bursts) addBurst(data, b.trial, b);
  const events = detectEvents({ nTrials: 30, nTimes: N, data }, BETA);
  assert.equal(events.length, 30);
  for (const b of bursts) {
    const e = strongest(events[b.trial]);
    assert.equal(e.peak_freq_hz, expectedPeakFreq(b.sd, b.f), `burst at ${b.f} Hz`);
    assert.ok(Math.abs(e.peak_time_s - b.t) <= 0.005, `burst at ${b.t} s found at ${e.peak_time_s} s`);
    const duration = expectedDuration(b.sd, e.peak_freq_hz);
    assert.ok(Math.abs(e.duration_s - duration) <= 0.1 * duration, `duration ${e.duration_s} s, expected ${duration}`);
    assert.ok(e.onset_s < b.t && e.offset_s > b.t && e.lower_freq_hz < b.f && e.upper_freq_hz > b.f);
    assert.equal(e.freq_span_hz, e.upper_freq_hz - e.lower_freq_hz);
    assert.ok(e.normalized_peak_power > 6);
    // Noise-only trials hold nothing as strong as a burst.
    const noiseEvents = events.slice(4).flat();
    assert.ok(noiseEvents.every((n) => n.peak_power < e.peak_power / 4));
  }
});

Deno.test("events: regional maxima on a hand-made TFR: plateaus merge, flat neighbourhoods and out-of-band peaks do not count", () => {
  const nFreqs = 5, nTimes = 7, freqs = [10, 11, 12, 13, 14];
  const power = new Float64Array(nFreqs * nTimes).fill(1);
  power[2 * nTimes + 2] = 10; // a peak at 12 Hz, t = 2
  power[2 * nTimes + 4] = 8; // a plateau at 12 Hz, t = 4–5: centre 4.5, rounded to even
  power[2 * nTimes + 5] = 8;
  power[0 * nTimes + 6] = 9; // a peak at 10 Hz, outside the band
  power[4 * nTimes + 0] = 3; // a peak below 6 × the median (1)
  const [events] = findEvents({ nTrials: 1, nFreqs, nTimes, power }, {
    fs: 100,
    freqs,
    band: [11, 14],
    thresholdFom: 6,
  });
  assert.deepEqual(events, [
    {
      peak_time_s: 0.02,
      peak_freq_hz: 12,
      lower_freq_hz: 11,
      upper_freq_hz: 13,
      freq_span_hz: 2,
      onset_s: 0.01,
      offset_s: 0.03,
      duration_s: 0.02,
      peak_power: 10,
      normalized_peak_power: 10,
    },
    {
      peak_time_s: 0.04,
      peak_freq_hz: 12,
      lower_freq_hz: 11,
      upper_freq_hz: 13,
      freq_span_hz: 2,
      onset_s: 0.03,
      offset_s: 0.06,
      duration_s: 0.03,
      peak_power: 8,
      normalized_peak_power: 8,
    },
  ]);
  assert.deepEqual(Array.from(medianPowers({ nTrials: 2, nFreqs: 1, nTimes: 2, power: Float64Array.of(4, 1, 3, 2) })), [
    2.5,
  ]);
});

Deno.test("events: full width at half maximum with Shin et al.'s edge rules", () => {
  assert.deepEqual(fwhmBounds([0, 1, 4, 1, 0], 2, 4), [1, 3, 2]);
  assert.deepEqual(fwhmBounds([4, 3, 1, 0], 0, 4), [0, 2, 6], "runs off the start: twice the falling side");
  assert.deepEqual(fwhmBounds([0, 1, 4, 3], 2, 4), [1, 3, 4], "runs off the end: twice the rising side");
  assert.deepEqual(fwhmBounds([4, 4, 4], 1, 4), [0, 2, 6], "runs off both: twice the length");
});

Deno.test("events: bursts at the trial's edges give events bounded by the edges", () => {
  const data = noise(20, 11);
  addBurst(data, 0, { t: 0, sd: 0.04, f: 20, amp: 15 });
  addBurst(data, 1, { t: (N - 1) / FS, sd: 0.04, f: 22, amp: 15 });
  const events = detectEvents({ nTrials: 20, nTimes: N, data }, BETA);
  const first = strongest(events[0]), last = strongest(events[1]);
  // Half the wavelet hangs off the trial there, so the frequency is only roughly the burst's.
  assert.ok(Math.abs(first.peak_freq_hz - 20) <= 3, `${first.peak_freq_hz} Hz`);
  assert.ok(first.peak_time_s <= 0.03, `peak at ${first.peak_time_s} s`);
  assert.equal(first.onset_s, 0);
  // The half maximum lies before the start: the width is twice the falling side, peak to offset.
  const samples = (e: SpectralEvent, key: "peak_time_s" | "onset_s" | "offset_s" | "duration_s") =>
    Math.round(e[key] * FS);
  assert.equal(samples(first, "duration_s"), 2 * (samples(first, "offset_s") - samples(first, "peak_time_s") + 1));
  assert.ok(Math.abs(last.peak_freq_hz - 22) <= 3, `${last.peak_freq_hz} Hz`);
  assert.ok(last.peak_time_s >= (N - 1) / FS - 0.03, `peak at ${last.peak_time_s} s`);
  assert.equal(last.offset_s, (N - 1) / FS);
  assert.equal(samples(last, "duration_s"), 2 * (samples(last, "peak_time_s") - samples(last, "onset_s") + 1));
});

Deno.test("events: flat segments and flat trials give no events of their own", () => {
  const data = noise(20, 3);
  data.fill(0.25, 0, 300); // trial 0: its first half flat
  addBurst(data, 0, { t: 0.8, sd: 0.06, f: 18, amp: 12 });
  data.fill(-1, N, 2 * N); // trial 1: flat throughout
  const events = detectEvents({ nTrials: 20, nTimes: N, data }, BETA);
  assert.deepEqual(events[1], []);
  assert.ok(events[0].every((e) => e.peak_time_s > 0.5), "nothing in the flat half");
  assert.equal(strongest(events[0]).peak_freq_hz, expectedPeakFreq(0.06, 18));
  assert.throws(
    () => detectEvents({ nTrials: 3, nTimes: N, data: new Float64Array(3 * N) }, BETA),
    /median power at 15 Hz is 0/,
  );
});

Deno.test("events: a single trial is its own threshold", () => {
  const data = noise(1, 5);
  addBurst(data, 0, { t: 0.5, sd: 0.04, f: 21, amp: 12 });
  const [events] = detectEvents({ nTrials: 1, nTimes: N, data }, BETA);
  const e = strongest(events);
  assert.equal(e.peak_freq_hz, expectedPeakFreq(0.04, 21));
  assert.ok(Math.abs(e.peak_time_s - 0.5) <= 0.005);
});

const trials = (nTrials: number, nTimes: number): Trials => ({
  nTrials,
  nTimes,
  data: new Float64Array(nTrials * nTimes),
});
const bad: [string, Trials, Partial<typeof BETA> & { freqRange?: [number, number] }, RegExp][] = [
  [
    "a NaN",
    { ...trials(2, N), data: Float64Array.from({ length: 2 * N }, (_, i) => (i === N + 5 ? NaN : 0)) },
    {},
    /^trial 1, sample 5 is NaN/,
  ],
  ["an infinity", { ...trials(1, N), data: new Float64Array(N).fill(Infinity) }, {}, /sample 0 is Infinity/],
  ["no samples", trials(1, 0), {}, /at least 1 trial of 3 samples/],
  ["a band below 1 Hz", trials(1, N), { band: [0.5, 29] }, /band 0.5–29 Hz lies outside 1–300 Hz/],
  ["a band above fs/2", trials(1, N), { fs: 40 }, /fs 40 Hz is too low for the 15–29 Hz band/],
  ["an inverted band", trials(1, N), { band: [29, 15] }, /lower bound must not exceed the upper/],
  ["a band outside the TFR", trials(1, N), { band: [15, 80] }, /outside the TFR's frequencies 1–60 Hz/],
  ["a TFR above fs/2", trials(1, 100), { fs: 100 }, /TFR reaches 60 Hz, above fs\/2 = 50 Hz/],
  ["trials too short for 1 Hz", trials(1, 300), {}, /300 samples \(0.5 s\) resolve frequencies from 2 Hz/],
  ["a zero threshold", trials(1, N), { thresholdFom: 0 }, /threshold factor must be positive/],
];
for (const [label, input, options, message] of bad) {
  Deno.test(`events: ${label} is refused in one line`, () => {
    assert.throws(() => checkDetectInput(input, { ...BETA, ...options }), (error: Error) => {
      assert.match(error.message, message);
      assert.equal(error.message.split("\n").length, 1);
      return true;
    });
  });
}
