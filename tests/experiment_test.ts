/**
 * The experiment runner end to end on the RC model with a tiny budget: every file of the run folder is written
 * and consistent (docs/runs.md), the report serves it and the condition command conditions it on a waveform. Calibration quality is judged by the full-size runs
 * recorded in docs/RESULTS.md, not here: five epochs give a posterior close to the prior.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { createApp } from "../lib/server/app.tsx";
import { LOCK_FILE } from "../lib/runs/paths.ts";
import { EXPERIMENTS } from "../lib/experiments/configs.ts";
import { experimentSettings } from "../lib/experiments/run.ts";
import { cli } from "./reference/cli.ts";
import { makeTinyRcRun, TINY_BUDGET, TINY_EPOCHS, tinyRunCommand, waitFor } from "./reference/tiny_run.ts";
import type { ExperimentStage } from "../lib/experiments/types.ts";

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

/** SHA-256 over every path and byte under `dir`: equal hashes, an untouched folder. */
async function folderHash(dir: string): Promise<string> {
  const hash = createHash("sha256");
  const walk = async (path: string) => {
    const entries = [...Deno.readDirSync(path)].sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = join(path, entry.name);
      hash.update(relative(dir, child) + "\0");
      if (entry.isDirectory) await walk(child);
      else hash.update(await Deno.readFile(child));
    }
  };
  await walk(dir);
  return hash.digest("hex");
}

Deno.test({
  name: "experiment: a killed run reads as interrupted with its resume command, which finishes it from its dataset",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const runs = await Deno.makeTempDir({ prefix: "neurosbi-exp-kill-" });
    const out = `${runs}/killed`;
    const read = async (path: string) => JSON.parse(await Deno.readTextFile(`${out}/${path}`));
    try {
      const command = tinyRunCommand(out);
      const child = new Deno.Command("bash", { args: ["-c", `exec ${command}`], stdout: "null", stderr: "null" })
        .spawn();
      // Killed once its dataset is simulated, while it fits and trains.
      await waitFor("a dataset", async () => {
        const manifest = await Deno.readTextFile(`${out}/dataset/manifest.json`).catch(() => "{}");
        return JSON.parse(manifest).status === "complete";
      }, child);
      child.kill("SIGKILL");
      await child.status;
      const killed = await read("experiment.json");
      assert.equal(killed.status, "running", "the killed process could not record anything");
      assert.equal(killed.command, command);
      assert.equal((await read(LOCK_FILE)).pid, child.pid);
      const dataset = await read("dataset/manifest.json");
      assert.equal(dataset.status, "complete");

      const app = await createApp(runs);
      assert.deepEqual(await (await app.request("/api/runs")).json(), [
        { name: "killed", model: "rc", status: "interrupted" },
      ]);
      const page = (await (await app.request("/runs/killed/")).text()).replaceAll("&#39;", "'");
      assert.ok(page.includes(`interrupted (resume with: ${command})`), "the overview says how to resume");
      const events = await (await app.request("/api/runs/killed/progress")).text();
      assert.match(events, /event: status\ndata: \{"status":"interrupted"\}\n\n$/, "the live view ends");

      const resumed = await new Deno.Command("bash", { args: ["-c", command], stdout: "null", stderr: "piped" })
        .output();
      assert.equal(resumed.code, 0, new TextDecoder().decode(resumed.stderr));
      const finished = await read("experiment.json");
      assert.equal(finished.status, "complete");
      assert.equal(finished.started, killed.started);
      assert.ok(Date.parse(finished.resumed) > Date.parse(killed.started));
      assert.equal(finished.results.training_epochs, TINY_EPOCHS);
      assert.equal((await read("dataset/manifest.json")).created, dataset.created, "the dataset was kept");
      assert.equal((await read("observations/latency-0.json")).samples.length, TINY_BUDGET.observationSamples);
      const stages = (await Deno.readTextFile(`${out}/progress.jsonl`)).trim().split("\n")
        .map((l) => JSON.parse(l).stage);
      assert.equal(stages.filter((s) => s === "resume").length, 1);
      assert.equal(stages.at(-1), "done");
      await assert.rejects(() => Deno.stat(`${out}/${LOCK_FILE}`), Deno.errors.NotFound);
      assert.equal((await (await app.request("/api/runs")).json())[0].status, "complete");

      // Rerunning into the finished run (without --keep-complete, or with other settings), into its posterior
      // folder, or into a failed run of other settings is refused before the GPU, and leaves every byte as it was.
      const failed = `${runs}/failed`;
      await Deno.mkdir(failed);
      await Deno.writeTextFile(`${failed}/experiment.json`, JSON.stringify({ ...finished, status: "failed" }));
      for (
        const [folder, args, message] of [
          [out, [], /holds a complete run of rc: give another --out/],
          [out, ["--keep-complete"], /holds a complete run of rc: give another --out/],
          [`${out}/posterior`, [], /is not empty and holds no experiment run/],
          [failed, ["--seed", "1"], /holds another run \(.*seed 0 there, 1 here/],
        ] as const
      ) {
        const before = await folderHash(folder);
        const refused = await cli("experiment", "--name", "rc", "--out", folder, ...args);
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, message);
        assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
        assert.equal(await folderHash(folder), before, `${folder} untouched`);
      }

      // With --keep-complete (the demo, run twice) a complete run of the command's own settings is kept: success.
      const kept = `${runs}/kept`;
      await Deno.mkdir(kept);
      const settings = experimentSettings(
        { config: EXPERIMENTS.rc, size: "small", out: kept, noise: true },
        EXPERIMENTS.rc.simulator(EXPERIMENTS.rc.dtMs),
      );
      await Deno.writeTextFile(`${kept}/experiment.json`, JSON.stringify({ ...settings, status: "complete" }));
      const before = await folderHash(kept);
      const again = await cli("experiment", "--name", "rc", "--out", kept, "--keep-complete");
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /holds this experiment's complete run already; kept as it is/);
      assert.equal(await folderHash(kept), before, "the kept run is untouched");
    } finally {
      await Deno.remove(runs, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "experiment: a new training set is trained on from memory, a resumed run's from its files, to the same posterior",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const runs = await Deno.makeTempDir({ prefix: "neurosbi-exp-held-" });
    const memory = `${runs}/memory`, resumed = `${runs}/resumed`;
    const datasetFiles = (out: string) => [`${out}/dataset/theta.npy`, `${out}/dataset/x.npy`];
    // The tiny run in its own process, stopped after `until`, optionally denied reading its dataset's arrays.
    const run = async (out: string, until: ExperimentStage, denied: boolean) => {
      const command = tinyRunCommand(out, undefined, { until, denyRead: denied ? datasetFiles(out) : undefined });
      const { code, stderr } = await new Deno.Command("bash", {
        args: ["-c", command],
        stdout: "null",
        stderr: "piped",
      })
        .output();
      return { code, stderr: new TextDecoder().decode(stderr) };
    };
    const read = async (out: string, path: string) => JSON.parse(await Deno.readTextFile(`${out}/${path}`));
    try {
      // Simulated in this process: trained although the process may not read dataset/theta.npy or x.npy.
      const held = await run(memory, "training", true);
      assert.equal(held.code, 0, held.stderr);
      assert.equal((await read(memory, "training.json")).epochs.length, TINY_EPOCHS);
      for (const file of datasetFiles(memory)) {
        assert.ok((await Deno.stat(file)).size > 0, `${file} written all the same`);
      }

      // Stopped after its dataset, then resumed: its training set comes from the files (denied them, it fails).
      assert.equal((await run(resumed, "dataset", false)).code, 0);
      assert.equal(await Deno.stat(`${resumed}/training.json`).catch(() => undefined), undefined, "not trained yet");
      const denied = await run(resumed, "training", true);
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /Requires read access to ".*dataset\/theta\.npy"/);
      const fromFiles = await run(resumed, "training", false);
      assert.equal(fromFiles.code, 0, fromFiles.stderr);

      // The same arrays in the same order: the same summary statistic and the same losses, epoch by epoch.
      assert.deepEqual(await read(resumed, "summary.json"), await read(memory, "summary.json"));
      const losses = async (out: string) => (await read(out, "training.json")).epochs;
      assert.deepEqual(await losses(resumed), await losses(memory));
    } finally {
      await Deno.remove(runs, { recursive: true });
    }
  },
});
