import assert from "node:assert/strict";
import { bandRms, smoothingGain } from "../lib/stats/bands.ts";
import { smoothWaveform } from "../lib/stats/smooth.ts";
import { RESIDUAL_BAND_EDGES_HZ, residualByBand } from "../lib/fit/export.ts";

const EDGES = [0, 10, 20, 30, 40, 50, 60];
const meanSquare = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v * v, 0) / x.length;

/** A cosine on DCT basis k of an n-sample window: all of it in one band, RMS amplitude / √2. */
const basis = (n: number, k: number, amplitude: number) =>
  Float64Array.from({ length: n }, (_, i) => amplitude * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n)));

Deno.test("bands: the bands' squares sum to the waveform's mean square (Parseval, 1e-12 relative)", () => {
  let state = 7;
  const x = Float64Array.from({ length: 851 }, () => ((state = (state * 48271) % 2147483647) / 2147483647) - 0.5);
  const bands = bandRms(x, 0.2, EDGES);
  assert.deepEqual(bands.map((b) => [b.from_hz, b.to_hz]), [
    [0, 10],
    [10, 20],
    [20, 30],
    [30, 40],
    [40, 50],
    [50, 60],
    [60, 2500],
  ]);
  const total = bands.reduce((s, b) => s + b.rms ** 2, 0);
  assert.ok(Math.abs(total - meanSquare(x)) <= 1e-12 * meanSquare(x), `${total} vs ${meanSquare(x)}`);
});

Deno.test("bands: a cosine lands in its own band at amplitude / √2, and nowhere else (1e-9)", () => {
  // 500 samples of 0.2 ms: basis k has frequency 5k Hz. k = 9: 45 Hz; 0: a constant; 5: 25 Hz; 15: 75 Hz.
  const n = 500;
  const single = bandRms(basis(n, 9, 4), 0.2, EDGES);
  single.forEach((b) => assert.ok(Math.abs(b.rms - (b.from_hz === 40 ? 4 / Math.SQRT2 : 0)) < 1e-9, `${b.from_hz} Hz`));
  const mix = Float64Array.from(basis(n, 0, 3), (v, i) => v + basis(n, 5, 2)[i] + basis(n, 15, 6)[i]);
  const expected: Record<number, number> = { 0: 3, 20: 2 / Math.SQRT2, 60: 6 / Math.SQRT2 };
  for (const b of bandRms(mix, 0.2, EDGES)) {
    assert.ok(Math.abs(b.rms - (expected[b.from_hz] ?? 0)) < 1e-9, `${b.from_hz} Hz: ${b.rms}`);
  }
});

Deno.test("bands: smoothingGain is the amplitude a long sinusoid keeps through smoothWaveform (1e-3)", () => {
  const dt = 0.2, n = 20_000;
  for (const [windowMs, hz] of [[30, 10], [30, 40], [20, 45], [10, 60]]) {
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i * dt) / 1000));
    const smoothed = smoothWaveform(x, windowMs, dt);
    // Away from the ends: the RMS of the middle half, over whole periods' worth of samples.
    const middle = smoothed.subarray(n / 4, (3 * n) / 4);
    const kept = Math.sqrt(meanSquare(middle)) * Math.SQRT2;
    assert.ok(Math.abs(kept - smoothingGain(windowMs, dt, hz)) < 1e-3, `${windowMs} ms at ${hz} Hz: ${kept}`);
  }
  assert.ok(Math.abs(smoothingGain(30, 0.2, 0) - 1) < 1e-12);
  assert.ok(smoothingGain(30, 0.2, 60) < 0.05, "a 30 ms window passes almost nothing at 60 Hz");
});

Deno.test("bands: residualByBand splits predictive_median_rmse² and the recording's mean square, with the smoothing's gain", () => {
  const n = 500, dt = 0.2;
  const recording = Float64Array.from(basis(n, 1, 50), (v, i) => v + basis(n, 10, 8)[i]);
  const model = basis(n, 1, 48);
  const bands = residualByBand(model, recording, dt, 30);
  assert.deepEqual(bands.map((b) => b.from_hz), RESIDUAL_BAND_EDGES_HZ);
  const rmse2 = meanSquare(Float64Array.from(model, (m, i) => m - recording[i]));
  assert.ok(Math.abs(bands.reduce((s, b) => s + b.residual_rms ** 2, 0) - rmse2) < 1e-9 * rmse2);
  assert.ok(Math.abs(bands[0].residual_rms - 2 / Math.SQRT2) < 1e-9, "5 Hz: the 2 nAm of amplitude missed");
  assert.ok(Math.abs(bands[5].residual_rms - 8 / Math.SQRT2) < 1e-9, "50 Hz: all of the recording's");
  assert.ok(Math.abs(bands[5].recording_rms - 8 / Math.SQRT2) < 1e-9);
  assert.ok(Math.abs(bands[0].smoothing_gain! - 1) < 1e-12);
  assert.ok(Math.abs(bands[5].smoothing_gain! - smoothingGain(30, dt, 50)) < 1e-15);
  assert.ok(residualByBand(model, recording, dt).every((b) => !("smoothing_gain" in b)), "no smoothing, no gain");
});

Deno.test("bands: edges not from 0 Hz, not rising or past Nyquist, and non-finite samples are errors", () => {
  const x = new Float64Array(100).fill(1);
  assert.throws(() => bandRms(x, 0.2, [5, 10]), /start at 0 Hz/);
  assert.throws(() => bandRms(x, 0.2, [0, 20, 10]), /rise/);
  assert.throws(() => bandRms(x, 0.2, [0, 2500]), /Nyquist frequency 2500 Hz/);
  assert.throws(() => bandRms(Float64Array.of(1, NaN, 2), 0.2, [0]), /sample 1 is not finite/);
  assert.throws(() => bandRms(Float64Array.of(1), 0.2, [0]), /at least 2 samples/);
});
