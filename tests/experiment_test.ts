/**
 * The experiment runner end to end on the RC model with a tiny budget: every file of the run folder is written
 * and consistent (docs/runs.md), and the report serves it. Calibration quality is judged by the full-size runs
 * recorded in docs/RESULTS.md, not here: five epochs give a posterior close to the prior.
 */
import assert from "node:assert/strict";
import { EXPERIMENTS } from "../lib/experiments/configs.ts";
import { runExperiment } from "../lib/experiments/run.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { createApp } from "../lib/server/app.tsx";
import { useBackend } from "../lib/tf/backend.ts";

Deno.test({
  name: "experiment: a tiny RC run writes dataset, posterior, training log, diagnostics and observations",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const runtime = await GpuRuntime.acquire({ notice: () => {} });
    await useBackend("auto");
    const runs = await Deno.makeTempDir({ prefix: "neurosbi-exp-" });
    const out = `${runs}/rc-tiny`;
    try {
      const experiment = await runExperiment({
        config: EXPERIMENTS.rc,
        size: "small",
        out,
        runtime,
        maxEpochs: 3,
        budget: {
          sims: 1000,
          sbcPairs: 12,
          sbcSamples: 40,
          gridPoints: 2,
          gridSamples: 60,
          predictiveSims: 4,
          observationSamples: 200,
        },
      });
      assert.equal(experiment.status, "complete");
      const read = async (path: string) => JSON.parse(await Deno.readTextFile(`${out}/${path}`));
      assert.equal((await read("dataset/manifest.json")).n, 1000);
      assert.equal((await read("training.json")).epochs.length, 3);
      assert.equal((await read("summary.json")).names.length, 30);
      const sbc = await read("diagnostics/sbc.json");
      assert.equal(sbc.ranks.length, 12 * 3);
      assert.ok(sbc.ranks.every((r: number) => r >= 0 && r <= 40));
      const recovery = await read("diagnostics/recovery.json");
      assert.equal(recovery.recovery_error.length, 8, "2 points per dimension, 3 dimensions");
      assert.ok(recovery.recovery_error.flat().every((e: number) => e >= 0 && e <= 1));
      const obs = await read("observations/latency-37.5.json");
      assert.equal(obs.samples.length, 200);
      assert.equal(obs.x.length, 701);
      assert.ok(obs.samples.every((s: number[]) => s[2] >= -75 && s[2] <= 75), "samples inside the prior");
      assert.equal((await read("diagnostics/overlap.json")).pairs.length, 3);
      const progress = (await Deno.readTextFile(`${out}/progress.jsonl`)).trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(progress.at(-1).stage, "done");
      const app = await createApp(runs);
      for (const page of ["", "waveforms", "posterior", "diagnostics"]) {
        const response = await app.request(`/runs/rc-tiny/${page}`);
        assert.equal(response.status, 200, page);
        assert.match(await response.text(), /<svg/, page);
      }
    } finally {
      runtime.destroy();
      await Deno.remove(runs, { recursive: true });
    }
  },
});
