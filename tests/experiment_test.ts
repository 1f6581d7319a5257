/**
 * The experiment runner end to end on the RC model with a tiny budget: every file of the run folder is written
 * and consistent (docs/runs.md), the report serves it and the condition command conditions it on a waveform. Calibration quality is judged by the full-size runs
 * recorded in docs/RESULTS.md, not here: five epochs give a posterior close to the prior.
 */
import assert from "node:assert/strict";
import { createApp } from "../lib/server/app.tsx";
import { cli } from "./reference/cli.ts";
import { makeTinyRcRun, TINY_BUDGET, TINY_EPOCHS } from "./reference/tiny_run.ts";

Deno.test({
  name: "experiment: a tiny RC run writes dataset, posterior, training log, diagnostics and observations",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const runs = await Deno.makeTempDir({ prefix: "neurosbi-exp-" });
    const out = `${runs}/rc-tiny`;
    try {
      const experiment = await makeTinyRcRun(out);
      assert.equal(experiment.status, "complete");
      const read = async (path: string) => JSON.parse(await Deno.readTextFile(`${out}/${path}`));
      assert.equal((await read("dataset/manifest.json")).n, TINY_BUDGET.sims);
      assert.equal((await read("training.json")).epochs.length, TINY_EPOCHS);
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

      // The condition command on the run's own observation, as a CSV at 1 ms steps (resampled onto 0.5 ms).
      const csv = `${runs}/recording.csv`, result = `${runs}/conditioned.json`;
      const rows = obs.times_ms.flatMap((t: number, k: number) => (k % 2 === 0 ? [`${t},${obs.x[k]}`] : []));
      await Deno.writeTextFile(csv, "time_ms,value\n" + rows.join("\n"));
      const run = await cli("condition", "--run", out, "--waveform", csv, "--out", result, "--samples", "100");
      assert.equal(run.code, 0, run.stderr);
      const conditioned = JSON.parse(await Deno.readTextFile(result));
      assert.equal(conditioned.samples.length, 100);
      assert.ok(conditioned.samples.every((s: number[]) => s[0] >= 0 && s[0] <= 1 && Math.abs(s[2]) <= 75));
      assert.ok(Math.abs(conditioned.x[1] - (obs.x[0] + obs.x[2]) / 2) < 1e-6, "0.5 ms interpolated between 0 and 1");
      assert.equal(conditioned.predictive.q50.length, 701);
      await Deno.writeTextFile(csv, "0,1\n100,2\n");
      const short = await cli("condition", "--run", out, "--waveform", csv, "--out", result);
      assert.equal(short.code, 1);
      assert.match(short.stderr, /^error: .*covers 0–100 ms; the model's time base needs 0–350 ms\n$/m);
    } finally {
      await Deno.remove(runs, { recursive: true });
    }
  },
});
