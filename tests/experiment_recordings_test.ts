/**
 * The runner conditions on an experiment's recorded data like on its simulated points: a tiny RC run (the ERP
 * experiment's MEG path, minus the hour of HNN simulation) with two "recordings" written in other units (×10) and on
 * a coarser time base (1.5 ms) than the model's, the second also 20 ms late in its file and on an offset of 3 (undone
 * by the recording's time offset and baseline), so that loading, shifting, baseline correction, resampling,
 * rescaling, conditioning and the overlap of the two posteriors are all on the way.
 */
import assert from "node:assert/strict";
import { EXPERIMENTS } from "../lib/experiments/configs.ts";
import type { Recording } from "../lib/experiments/recordings.ts";
import { runExperiment } from "../lib/experiments/run.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { rcModel } from "../lib/models/rc.ts";
import { useBackend } from "../lib/tf/backend.ts";
import { TINY_BUDGET, TINY_EPOCHS } from "./reference/tiny_run.ts";

const SCALE = 10, STEP_MS = 1.5, LATE_MS = 20, OFFSET = 3;

Deno.test({
  name: "experiment: recorded waveforms are resampled, rescaled, conditioned on and compared",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "neurosbi-rec-run-" });
    const runtime = await GpuRuntime.acquire({ notice: () => {} });
    try {
      await useBackend("auto");
      // Two RC waveforms: the second pulse 50 ms before and 50 ms after the first.
      const theta = Float32Array.from([0.8, 0.3, -50, 0.8, 0.3, 50]);
      const truth = await rcModel.simulate(runtime, theta);
      const t = rcModel.timesMs.length, every = STEP_MS / rcModel.dtMs;
      const recordings: Recording[] = ["early", "late"].map((id) => ({
        id,
        label: `recording ${id}`,
        path: `${dir}/${id}.txt`,
        scale: SCALE,
        smoothMs: 0,
        // The circuit rests at 0 before its first pulse at 200 ms: the mean over 0–100 ms is the file's offset.
        ...(id === "late" ? { offsetMs: -LATE_MS, baselineMs: [0, 100] as [number, number] } : {}),
      }));
      for (const [r, rec] of recordings.entries()) {
        const lines = [];
        const [shift, offset] = r === 1 ? [LATE_MS, OFFSET] : [0, 0];
        for (let k = 0; k < t; k += every) {
          lines.push(`${rcModel.timesMs[k] + shift} ${SCALE * truth[r * t + k] + offset}`);
        }
        await Deno.writeTextFile(rec.path, lines.join("\n") + "\n");
      }
      const out = `${dir}/run`;
      const experiment = await runExperiment({
        config: { ...EXPERIMENTS.rc, recordings },
        size: "small",
        out,
        runtime,
        maxEpochs: TINY_EPOCHS,
        budget: TINY_BUDGET,
      });
      assert.equal(experiment.status, "complete");
      const read = async (path: string) => JSON.parse(await Deno.readTextFile(`${out}/${path}`));
      for (const [r, rec] of recordings.entries()) {
        const obs = await read(`observations/${rec.id}.json`);
        assert.equal(obs.label, rec.label);
        assert.equal(obs.x.length, t);
        for (let k = 0; k < t; k += every) {
          assert.ok(Math.abs(obs.x[k] - truth[r * t + k]) < 1e-5, `${rec.id} at ${rcModel.timesMs[k]} ms`);
        }
        assert.equal(obs.samples.length, TINY_BUDGET.observationSamples);
        assert.ok(obs.samples.every((s: number[]) => s[2] >= -75 && s[2] <= 75), "samples inside the prior");
        assert.equal(obs.predictive.q50.length, t);
        assert.ok(obs.predictive_rmse > 0);
        assert.deepEqual(obs.recording, {
          path: rec.path,
          column: "agg",
          scale: SCALE,
          smoothing_ms: 0,
          offset_ms: rec.offsetMs ?? 0,
          baseline_ms: rec.baselineMs ?? null,
        });
        assert.deepEqual(obs.waveform_axis, {
          label: "x × 10 (the recording's units; x in mV)",
          unit: "the recording's units",
          scale: SCALE,
        });
      }
      const overlap = await read("diagnostics/overlap.json");
      assert.deepEqual(overlap.recordings.map((o: { parameter: string }) => o.parameter), rcModel.prior.names);
      assert.ok(overlap.recordings.every((o: { ovl: number }) => o.ovl >= 0 && o.ovl <= 1));
      const results = experiment.results as { recordings: { id: string }[] };
      assert.deepEqual(results.recordings.map((r) => r.id), ["early", "late"]);
    } finally {
      runtime.destroy();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "experiment: a recording pair naming no recording is refused before anything is written",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "neurosbi-rec-pair-" });
    const runtime = await GpuRuntime.acquire({ notice: () => {} });
    try {
      const recordings: Recording[] = [{
        id: "early",
        label: "early",
        path: `${dir}/early.txt`,
        scale: 1,
        smoothMs: 0,
      }];
      const times = Array.from(rcModel.timesMs);
      await Deno.writeTextFile(recordings[0].path, times.map((t) => `${t} 0`).join("\n") + "\n");
      await assert.rejects(
        runExperiment({
          config: { ...EXPERIMENTS.rc, recordings, recordingPairs: [["early", "late"]] },
          size: "small",
          out: `${dir}/run`,
          runtime,
        }),
        /recording pair names late, which is not one of the recordings/,
      );
      await assert.rejects(Deno.stat(`${dir}/run`), Deno.errors.NotFound);
    } finally {
      runtime.destroy();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
