/**
 * The MEG recordings as observations of the ERP experiment's model: resampled onto its 0–170 ms time base, divided
 * by HNN's dipole scale factor and smoothed like x. Reference values from numpy (np.interp, then np.convolve with
 * np.hamming(40)/sum in "same" mode, / 3000) on the same file.
 */
import assert from "node:assert/strict";
import { EXPERIMENTS } from "../lib/experiments/configs.ts";
import { loadRecording, type Recording } from "../lib/experiments/recordings.ts";

const model = EXPERIMENTS.erp.simulator(0.5);
const [yes, no] = EXPERIMENTS.erp.recordings!;

Deno.test("recordings: the MEG yes trial on the ERP model's time base matches numpy's processing", async () => {
  const x = await loadRecording(yes, model);
  assert.equal(x.length, 341);
  const reference: [number, number][] = [
    [0, -0.00021389855697245263],
    [50, -0.004582344363860151],
    [71.5, -0.017135946170130784],
    [100, 0.005111455577157849],
    [145, 0.023126424613975568],
    [170, 0.00878115471794426],
  ];
  for (const [t, value] of reference) {
    const got = x[Math.round(t / 0.5)];
    assert.ok(Math.abs(got - value) < 1e-6 * Math.abs(value) + 1e-9, `t = ${t} ms: ${got} vs ${value}`);
  }
  const peak = x.indexOf(Math.max(...x));
  assert.equal(model.timesMs[peak], 146.5, "the N1-P2 complex peaks where numpy puts it");
});

Deno.test("recordings: yes and no trials keep their differences (early trough, late peak)", async () => {
  const [xYes, xNo] = await Promise.all([loadRecording(yes, model), loadRecording(no, model)]);
  const trough = (x: Float32Array) => Math.min(...x.subarray(100, 200));
  assert.ok(trough(xNo) < trough(xYes), "missed taps have the deeper early trough (−58.7 against −53.3 nAm raw)");
  assert.ok(Math.max(...xYes) > 1.5 * Math.max(...xNo), "detected taps have the larger late peak (71 against 31 nAm)");
});

Deno.test("recordings: a missing, malformed or too short file is refused naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-rec-" });
  const at = (file: string): Recording => ({ ...yes, path: `${dir}/${file}` });
  try {
    await assert.rejects(
      loadRecording(at("absent.txt"), model),
      /MEG SI ERP, detected taps .*absent\.txt.*cannot read/,
    );
    await Deno.writeTextFile(`${dir}/bad.txt`, "0 1.5\n1.6 abc\n");
    await assert.rejects(loadRecording(at("bad.txt"), model), /bad\.txt.*row 2.*not two finite numbers/);
    await Deno.writeTextFile(`${dir}/short.txt`, "0 1\n50 2\n100 3\n");
    await assert.rejects(loadRecording(at("short.txt"), model), /short\.txt.*covers 0–100 ms.*needs 0–170 ms/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
