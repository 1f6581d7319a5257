/**
 * Recordings as users have them: hnn-core's dipole text files (np.savetxt of time, agg, L2, L5, tab-separated,
 * "%3.3f" and "%5.4f", as `Dipole.write` writes them) and plain two-column files, prepared for a model with a column,
 * scale, time offset, baseline and smoothing. Expected values come from the known signals written to the files.
 */
import assert from "node:assert/strict";
import { dataPath } from "../lib/data/paths.ts";
import { parseWaveform } from "../lib/data/waveform.ts";
import {
  prepareRecording,
  type RecordingProcessing,
  type WaveformAxis,
  waveformAxis,
} from "../lib/experiments/recordings.ts";
import type { Simulator } from "../lib/models/model.ts";
import { PredictiveFigure } from "../lib/server/posterior_views.tsx";
import { hammingWindow, smoothingTaps } from "../lib/stats/smooth.ts";

/** A model's time base only (0–170 ms at 0.5 ms, the ERP experiment's): preparing a recording simulates nothing. */
const model = {
  name: "window",
  dtMs: 0.5,
  timesMs: Float64Array.from({ length: 341 }, (_, k) => 0.5 * k),
  xUnit: "nAm",
} as Simulator;

/** Three known dipoles: agg = L2 + L5 as hnn-core sums them. */
const l2 = (t: number) => 2 + 0.05 * t;
const l5 = (t: number) => 30 * Math.sin((2 * Math.PI * t) / 170);
const agg = (t: number) => l2(t) + l5(t);

/** hnn-core's `Dipole.write` text: np.savetxt(X, fmt=["%3.3f", "%5.4f", ...], delimiter="\t"). */
function dipoleText(times: number[], columns: ((t: number) => number)[]): string {
  return times.map((t) => [t.toFixed(3), ...columns.map((f) => f(t).toFixed(4))].join("\t")).join("\n") + "\n";
}

const range = (from: number, to: number, step: number) =>
  Array.from({ length: Math.round((to - from) / step) + 1 }, (_, k) => from + k * step);

const NONE: RecordingProcessing = { scale: 1, smoothMs: 0 };

function assertClose(got: ArrayLike<number>, want: (k: number) => number, tolerance: number, what: string) {
  for (let k = 0; k < got.length; k++) {
    const w = want(k);
    assert.ok(Math.abs(got[k] - w) <= tolerance, `${what}: sample ${k}: ${got[k]} vs ${w}`);
  }
}

Deno.test("recording files: each column of an hnn-core dipole file, on the model's time base", () => {
  // Sampled at hnn-core's dt 0.025 ms: every model time is a sample, so only the file's rounding remains.
  const text = dipoleText(range(0, 170, 0.025), [agg, l2, l5]);
  for (const [column, f] of [["agg", agg], ["L2", l2], ["L5", l5]] as const) {
    const { x, cut } = prepareRecording(parseWaveform(text, "dpl.txt", column), model, NONE, "dpl.txt");
    assert.equal(x.length, 341);
    assertClose(x, (k) => f(0.5 * k), 1e-4, column);
    assert.equal(cut, "", "a recording spanning the window is not cut");
  }
  // hnn-core's CSV export: a header naming the columns, commas.
  const csv = "times,agg,L2,L5\n" + text.replaceAll("\t", ",");
  assertClose(parseWaveform(csv, "dpl.csv", "L5").values, (k) => l5(0.025 * k), 1e-4, "csv L5");
});

Deno.test("recording files: scale, time offset and baseline of a two-column recording", () => {
  // A recording from −100 to 300 ms whose stimulus sits at 200 ms of the file, on a 7 nAm offset.
  const signal = (t: number) => (t < 0 ? 0 : 40 * Math.sin((2 * Math.PI * t) / 170));
  const file = range(0, 400, 0.5).map((t) => `${t} ${(signal(t - 200) + 7).toFixed(6)}`).join("\n");
  const w = parseWaveform(file, "meg.txt");
  const processing = { scale: -2000, smoothMs: 0, offsetMs: -200, baselineMs: [-100, 0] as [number, number] };
  const { x, cut } = prepareRecording(w, model, processing, "meg.txt");
  // Model time t is file time t + 200; the pre-stimulus mean (7) is gone; x = recording ÷ −2000.
  assertClose(x, (k) => signal(0.5 * k) / -2000, 1e-4 / 2000 + 1e-9, "shifted, corrected, scaled");
  assert.equal(cut, "meg.txt: used 0–170 ms (the model's window) of its -200–200 ms");
  // Without the baseline the offset stays in.
  const raw = prepareRecording(w, model, { ...processing, baselineMs: undefined }, "meg.txt").x;
  assertClose(raw, (k) => (signal(0.5 * k) + 7) / -2000, 1e-7, "no baseline");
});

Deno.test("recording files: smoothing is hnn-core's Hamming convolution after resampling", () => {
  // A ramp: a symmetric window of M taps in numpy's "same" mode shifts it by ((M−1)/2 − ⌊(M−1)/2⌋)·dt, here 0.25 ms,
  // away from the ends; at the ends the window hangs over zeros.
  const ramp = (t: number) => 3 * t - 100;
  const w = parseWaveform(range(0, 170, 0.5).map((t) => `${t},${ramp(t)}`).join("\n"), "ramp.csv");
  const x = prepareRecording(w, model, { scale: 10, smoothMs: 20 }, "ramp.csv").x;
  const taps = smoothingTaps(20, 0.5), half = (taps - 1) >> 1;
  assert.equal(taps, 40);
  for (let k = taps - 1 - half; k < 341 - half; k++) {
    assert.ok(Math.abs(x[k] - ramp(0.5 * k - 0.25) / 10) < 1e-4, `interior sample ${k}: ${x[k]}`);
  }
  const window = hammingWindow(taps);
  // x[0] = Σ_m recording[half − m]·w[m]: only m ≤ half reach inside the recording, the rest is zero padding.
  let edge = 0;
  for (let m = 0; m <= half; m++) edge += ramp(0.5 * (half - m)) * window[m];
  assert.ok(Math.abs(x[0] - edge / 10) < 1e-5, `edge sample: ${x[0]} vs ${edge / 10}`);
});

Deno.test("recording files: bad files and options are refused with one line naming the problem", () => {
  const good = range(0, 170, 1).map((t) => `${t} ${t}`).join("\n");
  const cases: [() => unknown, RegExp][] = [
    [() => parseWaveform("0 1\n1 NaN\n", "nan.txt"), /: nan\.txt row 2: "1,NaN" is not two finite numbers$/],
    [() => parseWaveform("0\n1\n2\n", "one.txt"), /: one\.txt row 1: expected 2 columns .* or 4 .*, found 1$/],
    [() => parseWaveform("0 1 2\n1 2 3\n", "three.txt"), /three\.txt row 1: expected 2 columns.*found 3/],
    [
      () => parseWaveform("0 1 2 3\n1 2 3\n", "ragged.txt"),
      /ragged\.txt row 2: expected 4 columns like row 1, found 3/,
    ],
    [() => parseWaveform("0 1\n2 1\n1 1\n", "order.txt"), /order\.txt row 3: times must increase \(1 after 2\)/],
    [() => parseWaveform(good, "two.txt", "L2"), /two\.txt has one value column .*column L2 needs 4/],
    [
      () => prepareRecording(parseWaveform("0 1\n100 2\n", "short.txt"), model, NONE, "short.txt"),
      /: short\.txt covers 0–100 ms; the model's time base needs 0–170 ms$/,
    ],
    [
      () => prepareRecording(parseWaveform(good, "late.txt"), model, { ...NONE, offsetMs: 20 }, "late.txt"),
      /: late\.txt \(times \+ 20 ms\) covers 20–190 ms; the model's time base needs 0–170 ms$/,
    ],
    [
      () => prepareRecording(parseWaveform(good, "b.txt"), model, { ...NONE, baselineMs: [-50, -10] }, "b.txt"),
      /: b\.txt: the baseline window -50–-10 ms holds no sample of the recording \(0–170 ms\)$/,
    ],
    [() => prepareRecording(parseWaveform(good, "s.txt"), model, { scale: 0, smoothMs: 0 }, "s.txt"), /scale must/],
    [() => prepareRecording(parseWaveform(good, "w.txt"), model, { scale: 1, smoothMs: -1 }, "w.txt"), /smoothing/],
  ];
  for (const [run, message] of cases) assert.throws(run, message);
});

Deno.test("recording files: the report's axis is nAm on HNN's scale for the HNN models", () => {
  assert.deepEqual(waveformAxis(model, { scale: 3000, smoothMs: 20 }), {
    label: "dipole (nAm; one network × 3000, HNN's scale)",
    unit: "nAm",
    scale: 3000,
  });
  assert.deepEqual(waveformAxis(model), { label: "x (nAm)", unit: "nAm", scale: 1 });
  // Another model's x times the scale is in the recording's units, whatever they are.
  assert.deepEqual(waveformAxis({ ...model, xUnit: "mV" }, { scale: 1000, smoothMs: 0 }), {
    label: "x × 1000 (the recording's units; x in mV)",
    unit: "the recording's units",
    scale: 1000,
  });
});

Deno.test("recording files: a MEG recording too short for a model names both spans in ms, rounded", async () => {
  const meg = parseWaveform(await Deno.readTextFile(dataPath("meg", "yes_trial_S1_ERP_all_avg.txt")), "yes.txt");
  const longer = { ...model, timesMs: Float64Array.from({ length: 701 }, (_, k) => 0.5 * k) };
  assert.throws(
    () => prepareRecording(meg, longer, NONE, "yes.txt"),
    /: yes\.txt covers 0–169\.826 ms; the model's time base needs 0–350 ms$/,
  );
});

Deno.test("recording files: the report draws x and its bands times the axis scale, under the axis label", async () => {
  const bands = {
    times_ms: [0, 1, 2],
    q025: [0, 0, 0],
    q25: [0.001, 0.001, 0.001],
    q50: [0.002, 0.002, 0.002],
    q75: [0.003, 0.003, 0.003],
    q975: [0.01, 0.01, 0.01],
  };
  const labels = async (axis?: WaveformAxis) => {
    const html = String(await PredictiveFigure({ predictive: bands, x: [0.005, 0.006, 0.007], axis }));
    return [...html.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  };
  const hnn = await labels(waveformAxis(model, { scale: 3000, smoothMs: 20 }));
  assert.ok(hnn.includes("↑ dipole (nAm; one network × 3000, HNN's scale)"), hnn.join("|"));
  assert.ok(hnn.includes("30"), "the 95% band's top, 0.01 × 3000 nAm, is a tick");
  const plain = await labels();
  assert.ok(plain.includes("↑ x") && !plain.includes("30"), plain.join("|"));
});
