/**
 * The beta MEG as the beta experiment conditions on it: subjects' events pooled into one average per trough bin (the
 * count-weighted mean of each subject's own average), that average on the model's window, and an empty bin refused.
 */
import assert from "node:assert/strict";
import { betaSubject, eventObservation, pooledEventWaveforms } from "../lib/events/beta_meg.ts";
import { detectEvents } from "../lib/events/detect.ts";
import { BETA_TIME_BASE, onModelTimeBase } from "../lib/events/waveforms.ts";
import { EXPERIMENTS } from "../lib/experiments/configs.ts";
import { loadRecording, recordingSource } from "../lib/experiments/recordings.ts";

Deno.test("beta meg: a subject's events are detectEvents' with Shin et al.'s settings, and its detections", async () => {
  const s = await betaSubject(2);
  assert.deepEqual([s.trials.nTrials, s.trials.nTimes, s.detected.length], [200, 600, 200]);
  assert.equal(s.detected.reduce((a, b) => a + b, 0), 100, "100 detected taps per subject");
  assert.deepEqual(s.events, detectEvents(s.trials, { fs: 600, band: [15, 29], thresholdFom: 6 }));
  assert.equal(await betaSubject(2), s, "analysed once");
  assert.throws(() => betaSubject(11), /no beta MEG subject 11/);
});

Deno.test("beta meg: pooled waveforms are the count-weighted means of each subject's", async () => {
  const [two, three, both] = await Promise.all([
    pooledEventWaveforms([2]),
    pooledEventWaveforms([3]),
    pooledEventWaveforms([2, 3]),
  ]);
  both.bins.forEach((bin, b) => {
    const [n2, n3] = [two.bins[b].n_events, three.bins[b].n_events];
    assert.ok(n2 > 0 && n3 > 0);
    assert.equal(bin.n_events, n2 + n3);
    bin.mean_nam!.forEach((v, k) => {
      const want = (n2 * two.bins[b].mean_nam![k] + n3 * three.bins[b].mean_nam![k]) / (n2 + n3);
      assert.ok(Math.abs(v - want) < 1e-9 * Math.max(1, Math.abs(want)), `bin ${b}, sample ${k}`);
    });
  });
  assert.equal(both.counts.events, two.counts.events + three.counts.events);
});

Deno.test("beta meg: the experiment's recordings are the bins' averages on the model's window, described", async () => {
  const model = EXPERIMENTS.beta.simulator(0.5);
  const recording = EXPERIMENTS.beta.recordings!.find((r) => r.id === "subject-shallow")!;
  const x = await loadRecording(recording, model);
  const bin = (await pooledEventWaveforms([1])).bins[1];
  const want = onModelTimeBase((await pooledEventWaveforms([1])).segment_times_ms, bin.mean_nam!, BETA_TIME_BASE).x;
  assert.equal(x.length, 200);
  x.forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-9, `sample ${k}`));
  // The trough of a −60…−30 nAm event, ÷ 60,000 and smoothed: shallower than −30/60,000 only through smoothing.
  const low = Math.min(...x);
  assert.ok(low < 0 && low > -60 / 60000, `trough ${low}`);
  assert.deepEqual(await recordingSource(recording), {
    beta_meg_subjects: [1],
    trough_bin_nam: [-60, -30],
    n_events: bin.n_events,
    detection: { fs: 600, band: [15, 29], thresholdFom: 6 },
    trough_ms: 208,
    scale: 60000,
    smoothing_ms: 20,
  });
});

Deno.test("beta meg: a bin without events is refused naming the subjects and the bin", async () => {
  const model = EXPERIMENTS.beta.simulator(0.5);
  // Subject 10 has no event with a trough of −100…−60 nAm.
  await assert.rejects(
    eventObservation([10], 0, model, { troughMs: 208, scale: 60000, smoothMs: 20 }),
    /subjects 10: no event in -100…-60 nAm/,
  );
  await assert.rejects(
    loadRecording({ id: "x", label: "deep events of subject 10", subjects: [10], bin: 0, ...BETA_TIME_BASE }, model),
    /^Error: deep events of subject 10: subjects 10: no event/,
  );
});
