/**
 * The TFR kernel (kernels/tfr.wgsl) against the float64 reference on recorded trials: float32 convolutions over up to
 * 1,199 taps stay within 1e-4 of the largest power of each trial and frequency (measured: 5e-6), and the events found
 * on it are the reference's.
 */
import assert from "node:assert/strict";
import { decodeNpyFloat64 } from "../lib/data/npy.ts";
import { detectEvents, detectEventsGpu, tfrFrequencies } from "../lib/events/detect.ts";
import { computeTfr } from "../lib/events/tfr.ts";
import { computeTfrGpu } from "../lib/events/tfr_gpu.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { join } from "node:path";
import { dataPath } from "../lib/data/paths.ts";
import { readMaybeGzip } from "../lib/data/gzip.ts";

/** A recording: 200 trials × 600 samples at 600 Hz, float64; the test takes its first 20 trials. */
const BETA_MEG = dataPath("meg", "beta");
const N_TRIALS = 20, N = 600;

const { data } = decodeNpyFloat64(await readMaybeGzip(join(BETA_MEG, "subject1_prestim.npy.gz")));
const trials = { nTrials: N_TRIALS, nTimes: N, data: data.slice(0, N_TRIALS * N) };

Deno.test("events gpu: the TFR kernel matches the float64 TFR within 1e-4 of each row's peak", async () => {
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  try {
    const options = { fs: 600, freqs: tfrFrequencies([1, 60]) };
    const cpu = computeTfr(trials.data, N_TRIALS, N, options);
    const gpu = await computeTfrGpu(runtime, trials.data, N_TRIALS, N, options);
    assert.equal(gpu.power.length, cpu.power.length);
    for (let row = 0; row < N_TRIALS * 60; row++) {
      const slice = (p: Float64Array) => p.subarray(row * N, (row + 1) * N);
      const ref = slice(cpu.power), ours = slice(gpu.power);
      const peak = ref.reduce((m, v) => Math.max(m, v), 0);
      ours.forEach((v, i) =>
        assert.ok(Math.abs(v - ref[i]) <= 1e-4 * peak, `trial ${Math.floor(row / 60)}, ${row % 60 + 1} Hz, sample ${i}`)
      );
    }
    const beta = { fs: 600, band: [15, 29] as [number, number], thresholdFom: 6 };
    const reference = detectEvents(trials, beta), found = await detectEventsGpu(runtime, trials, beta);
    assert.deepEqual(found.map((t) => t.length), reference.map((t) => t.length), "events per trial");
    found.flat().forEach((event, i) => {
      const { peak_power, normalized_peak_power, ...place } = reference.flat()[i];
      const { peak_power: power, normalized_peak_power: normalized, ...ourPlace } = event;
      assert.deepEqual(ourPlace, place, `event ${i}: time, frequency and bounds`);
      assert.ok(Math.abs(power / peak_power - 1) < 1e-4 && Math.abs(normalized / normalized_peak_power - 1) < 1e-4);
    });
  } finally {
    runtime.destroy();
  }
});
