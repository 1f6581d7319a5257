import assert from "node:assert/strict";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { peakFeaturesGpu } from "../lib/stats/peaks.ts";
import { logBandPower, periodogramGpu, spectrumBins } from "../lib/stats/spectrum.ts";
import { computeSummary, fitSummary, type SummarySpec } from "../lib/stats/summary.ts";

const runtime = await GpuRuntime.acquire({ notice: () => {} });

/** Float64 one-sided periodogram by the DFT definition (scipy.signal.periodogram's defaults). */
function periodogram(x: number[], fs: number, bins: number): number[] {
  const n = x.length, mean = x.reduce((a, b) => a + b, 0) / n;
  return Array.from({ length: bins }, (_, k) => {
    let re = 0, im = 0;
    x.forEach((v, i) => {
      re += (v - mean) * Math.cos((2 * Math.PI * k * i) / n);
      im -= (v - mean) * Math.sin((2 * Math.PI * k * i) / n);
    });
    const fold = k === 0 || 2 * k === n ? 1 : 2;
    return (fold * (re * re + im * im)) / (fs * n);
  });
}

Deno.test("spectrum: GPU periodogram equals the float64 DFT definition (1e-4 of the peak)", async () => {
  const dt = 0.5, n = 701, fs = 1000 / dt;
  const rows = [0, 1, 2].map((r) =>
    Array.from(
      { length: n },
      (_, i) => Math.sin(2 * Math.PI * (10 + 17 * r) * i * dt / 1000) + 0.3 * Math.cos(i * (r + 1) * 0.05) + r,
    )
  );
  const { bins } = spectrumBins(n, dt, 200);
  assert.equal(bins, Math.ceil(200 / (fs / n)));
  const gpu = await periodogramGpu(runtime, new Float32Array(rows.flat()), n, dt, 200);
  rows.forEach((x, r) => {
    const ref = periodogram(x, fs, bins);
    const peak = Math.max(...ref);
    ref.forEach((v, k) =>
      assert.ok(Math.abs(gpu[r * bins + k] - v) <= 1e-4 * peak, `row ${r} bin ${k}: ${gpu[r * bins + k]} vs ${v}`)
    );
  });
});

Deno.test("spectrum: a pure tone puts its power (Parseval: A²/2) in its band", async () => {
  // 20 Hz sine of amplitude 2 sampled at 2 kHz for exactly 20 periods: all power in the 13–30 Hz band.
  const dt = 0.5, n = 2000, amplitude = 2;
  const x = Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin(2 * Math.PI * 20 * i * dt / 1000));
  const { bins, df } = spectrumBins(n, dt, 200);
  const power = await periodogramGpu(runtime, x, n, dt, 200);
  const bands = logBandPower(power, bins, df);
  assert.ok(Math.abs(10 ** bands[1] - amplitude ** 2 / 2) < 1e-3, `13–30 Hz power ${10 ** bands[1]}`);
  assert.ok(10 ** bands[0] < 1e-6 && 10 ** bands[2] < 1e-6 && 10 ** bands[3] < 1e-6);
});

Deno.test("peaks: max, min and their first times", async () => {
  const x = new Float32Array([0, 3, 1, 3, -2, -2, 0.5, /* row 2 */ 5, 4, 3, 2, 1, 0, -1]);
  const f = await peakFeaturesGpu(runtime, x, 7, 10, 0.5);
  assert.deepEqual(Array.from(f), [3, -2, 10.5, 12, 5, -1, 10, 13]);
});

Deno.test("summary: each statistic has named features of the right count, fitted on training data", async () => {
  const times = Array.from({ length: 701 }, (_, i) => i * 0.5);
  const x = new Float32Array(50 * 701).map((_, i) => Math.sin(i * 0.01 * ((i / 701) | 0) + 1) + ((i / 701) | 0) * 0.01);
  const cases: [SummarySpec, number][] = [
    [{ kind: "raw" }, 701],
    [{ kind: "raw", window_ms: [100, 200] }, 201],
    [{ kind: "pca", components: 4 }, 4],
    [{ kind: "peaks" }, 4],
    [{ kind: "bandpower" }, 4],
    [{ kind: "psd", fmax_hz: 200 }, 70],
  ];
  for (const [spec, width] of cases) {
    const fitted = await fitSummary(runtime, spec, x, times);
    assert.equal(fitted.names.length, width, spec.kind);
    const features = await computeSummary(runtime, JSON.parse(JSON.stringify(fitted)), x);
    assert.equal(features.length, 50 * width, spec.kind);
    assert.ok(features.every(Number.isFinite), spec.kind);
  }
  const windowed = await computeSummary(
    runtime,
    await fitSummary(runtime, { kind: "raw", window_ms: [100, 200] }, x, times),
    x,
  );
  assert.deepEqual(windowed.subarray(0, 201), x.subarray(200, 401));
  await assert.rejects(fitSummary(runtime, { kind: "raw", window_ms: [100, 100.2] }, x, times), /fewer than 2 samples/);
});
