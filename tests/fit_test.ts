import assert from "node:assert/strict";
import { join } from "node:path";
import { c2st } from "../lib/diagnostics/c2st.ts";
import { LOCK_FILE } from "../lib/runs/paths.ts";
import { converged, type FitRecord, type RoundRecord } from "../lib/fit/records.ts";
import { loadFitPosterior } from "../lib/fit/run_posterior.ts";
import type { FitExportSummary } from "../lib/fit/export.ts";
import { densityThreshold, truncatedDraws } from "../lib/fit/truncation.ts";
import { seededUniform, type Uniform } from "../lib/random.ts";
import { useBackend } from "../lib/tf/backend.ts";
import { getModel } from "../lib/experiments/models.ts";
import { loadReferenceSamples } from "../lib/sbibm/reference.ts";
import { createApp } from "../lib/server/app.tsx";
import { assertRefused, cli, cliCommand } from "./reference/cli.ts";

/** Fit folders live in one runs folder, so that the report test serves the fits the other tests made. */
const runs = await Deno.makeTempDir({ prefix: "neurosbi-fit-" });
globalThis.addEventListener("unload", () => Deno.removeSync(runs, { recursive: true }));

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await Deno.readTextFile(path));
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
/** Small, quick training: MAF (Gaussian-like posteriors), minibatches of 50, a cap on epochs. */
const QUICK = ["--flow", "maf", "--batch-size", "50", "--backend", "wasm"];

Deno.test("fit: TSNPE on gaussian_linear reaches the reference posterior (C2ST ≤ 0.65 at 1,000 sims); the region shrinks", async () => {
  const out = join(runs, "gl-1");
  const args = ["--task", "gaussian_linear", "--observation", "1", "--rounds", "2", "--sims-per-round", "500"];
  const { code, stdout, stderr } = await cli(
    "fit",
    ...args,
    ...QUICK,
    "--max-epochs",
    "60",
    "--samples",
    "1000",
    "--out",
    out,
  );
  assert.equal(code, 0, stderr);
  assert.match(stdout, /fit .*gl-1: 2 rounds/);
  const fit = await readJson<FitRecord>(join(out, "fit.json"));
  assert.equal(fit.status, "complete");
  const rounds = await Promise.all([1, 2].map((r) => readJson<RoundRecord>(join(out, "rounds", `00${r}.json`))));
  assert.deepEqual(rounds.map((r) => [r.sims, r.total_sims]), [[500, 500], [500, 1000]]);
  assert.equal(rounds[0].proposal.volume, 1);
  // Round 2 drew from the region round 1 left: its prior mass, estimated anew, agrees within 4 standard errors.
  const [after1, drawn2] = [rounds[0].region, rounds[1].proposal];
  assert.ok(after1.volume < 1 - 5 * after1.se && after1.volume < 0.9, `region after round 1: ${after1.volume}`);
  assert.ok(Math.abs(drawn2.volume - after1.volume) < 4 * Math.hypot(after1.se, drawn2.se), JSON.stringify(rounds));
  assert.ok(rounds.every((r) => Number.isFinite(r.predictive.rmse) && r.predictive.bands.q50.length === 10));

  const result = await readJson<{ samples: number[][] }>(join(out, "observations", "fit.json"));
  const reference = (await loadReferenceSamples("gaussian_linear", 1)).slice(0, 1000 * 10);
  const accuracy = await c2st(reference, Float32Array.from(result.samples.flat()), 10);
  assert.ok(accuracy <= 0.65, `C2ST ${accuracy}`);
});

Deno.test("fit: --quantile truncates harder: the same round 1 posterior leaves a smaller region, and the fit records it", async () => {
  // gl-1's first round again (same seed, pairs and training), with the region cut at the 10% quantile of log q.
  const out = join(runs, "gl-quantile");
  const args = ["--task", "gaussian_linear", "--observation", "1", "--rounds", "1", "--sims-per-round", "500"];
  const { code, stderr } = await cli("fit", ...args, ...QUICK, "--max-epochs", "60", "--quantile", "0.1", "--out", out);
  assert.equal(code, 0, stderr);
  assert.equal((await readJson<FitRecord>(join(out, "fit.json"))).settings.quantile, 0.1);
  const [hard, usual] = await Promise.all(
    [out, join(runs, "gl-1")].map((dir) => readJson<RoundRecord>(join(dir, "rounds", "001.json"))),
  );
  assert.equal((await readJson<FitRecord>(join(runs, "gl-1", "fit.json"))).settings.quantile, undefined);
  assert.ok(hard.region.threshold > usual.region.threshold, `τ ${hard.region.threshold} vs ${usual.region.threshold}`);
  const gap = 5 * Math.hypot(hard.region.se, usual.region.se);
  assert.ok(hard.region.volume < usual.region.volume - gap, `${hard.region.volume} vs ${usual.region.volume}`);
});

Deno.test("fit: a fit killed after round 1 resumes there; a complete fit is refused untouched, or continued by more rounds", async () => {
  const out = join(runs, "gl-resumed");
  const args = [
    "fit",
    "--task",
    "gaussian_linear",
    "--observation",
    "2",
    "--rounds",
    "2",
    "--sims-per-round",
    "200",
    "--max-epochs",
    "3",
    "--predictive-sims",
    "10",
    "--samples",
    "500",
    ...QUICK,
    "--out",
    out,
  ];
  const child = cliCommand(...args).spawn();
  const started = Date.now();
  while (!(await exists(join(out, "rounds", "001.json")))) {
    assert.ok(Date.now() - started < 120_000, "round 1 did not finish in 2 minutes");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  assert.equal((await readJson<FitRecord>(join(out, "fit.json"))).status, "running");
  assert.equal((await readJson<{ pid: number }>(join(out, LOCK_FILE))).pid, child.pid);
  const round1 = await Deno.readTextFile(join(out, "rounds", "001.json"));
  const pairs1 = await Deno.readFile(join(out, "rounds", "001", "pairs.bin"));

  // At once, as a user would: the lock's process is found gone (by ps, where Deno may not read /proc), not aged out.
  const resumed = await cli(...args);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming after round 1 of 2/);
  assert.doesNotMatch(resumed.stderr, /round 1: (simulating|training)/, "round 1 is not done again");
  assert.equal(await Deno.readTextFile(join(out, "rounds", "001.json")), round1);
  assert.deepEqual(await Deno.readFile(join(out, "rounds", "001", "pairs.bin")), pairs1);
  const fit = await readJson<FitRecord>(join(out, "fit.json"));
  assert.equal(fit.status, "complete");
  assert.ok(await exists(join(out, "posterior", "posterior.json")));
  assert.ok(!(await exists(join(out, LOCK_FILE))));

  const before = await Deno.readTextFile(join(out, "fit.json"));
  const again = await cli(...args);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^error: .*gl-resumed holds a complete fit of 2 rounds: give another --out/);
  assert.equal(again.stderr.trim().split("\n").length, 1);
  assert.equal(await Deno.readTextFile(join(out, "fit.json")), before);

  const other = await cli(...args.map((a) => (a === "200" ? "300" : a)));
  assert.equal(other.code, 1);
  assert.match(other.stderr, /holds a complete fit of 2 rounds: .*these differ: sims_per_round 200 there, 300 here/);

  // The same options with --rounds 3 (a stop rule that cannot end it, a harder truncation) run round 3 alone, on the
  // saved rounds.
  const round2 = await Deno.readTextFile(join(out, "rounds", "002.json"));
  const more = await cli(
    ...args.map((a, i) => (args[i - 1] === "--rounds" ? "3" : a)),
    ...["--stop-ratio", "2", "--quantile", "0.01"],
  );
  assert.equal(more.code, 0, more.stderr);
  assert.match(more.stderr, /resuming after round 2 of 3/);
  assert.doesNotMatch(more.stderr, /round [12]: (simulating|training)/);
  assert.equal(await Deno.readTextFile(join(out, "rounds", "002.json")), round2);
  const rounds = await readJson<RoundRecord>(join(out, "rounds", "003.json"));
  assert.deepEqual([rounds.sims, rounds.total_sims], [200, 600]);
  const continued = await readJson<FitRecord>(join(out, "fit.json"));
  assert.deepEqual(
    [continued.status, continued.settings.rounds, continued.settings.stop_ratio, continued.settings.quantile],
    ["complete", 3, 2, 0.01],
  );
  assert.equal(continued.created, fit.created);
});

Deno.test("fit: bad input is one line with a non-zero exit, and nothing is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-fit-bad-" });
  try {
    const out = join(dir, "out");
    const nan = join(dir, "nan.csv"), short = join(dir, "short.csv");
    await Deno.writeTextFile(nan, "0,1\n10,NaN\n20,2\n");
    await Deno.writeTextFile(short, "0,1\n10,2\n20,3\n");
    const task = ["--task", "gaussian_linear", "--observation", "1"];
    const cases: [string[], RegExp][] = [
      [[...task, "--rounds", "0", "--sims-per-round", "10"], /--rounds must be at least 1/],
      [[...task, "--rounds", "2", "--sims-per-round", "1"], /--sims-per-round must be at least 2/],
      [["--model", "rc", ...task, "--rounds", "1", "--sims-per-round", "10"], /give one of --model or --task/],
      [["--model", "rc", "--waveform", nan, "--rounds", "1", "--sims-per-round", "10"], /row 2: "10,NaN" is not two/],
      [["--model", "rc", "--waveform", short, "--rounds", "1", "--sims-per-round", "10"], /covers 0–20 ms; the model/],
      [["--model", "rc", "--rounds", "1", "--sims-per-round", "10"], /give one observation: --waveform FILE or --x/],
      [[...task, "--initial-dataset", dir, "--rounds", "1", "--sims-per-round", "10"], /not an sbibm task/],
      [[...task, "--quantile", "1", "--rounds", "1", "--sims-per-round", "10"], /--quantile must lie between 0 and 1/],
    ];
    await assertRefused(cases.map(([args, message]) => [["fit", ...args], message]), out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fit: a truncation region no prior draw falls in stops the fit with one line; round 1 is kept and can end it", async () => {
  // gl-1 cut back to its first round, with a threshold τ no posterior density reaches: the region is empty.
  const out = join(runs, "gl-empty");
  await Deno.mkdir(join(out, "rounds", "001"), { recursive: true });
  for (const file of ["observation.json", "rounds/001.json", "rounds/001/pairs.bin"]) {
    await Deno.copyFile(join(runs, "gl-1", file), join(out, file));
  }
  await Deno.mkdir(join(out, "rounds", "001", "posterior"));
  for (const file of ["posterior.json", "weights.bin"]) {
    await Deno.copyFile(
      join(runs, "gl-1", "rounds", "001", "posterior", file),
      join(out, "rounds", "001", "posterior", file),
    );
  }
  const fit = await readJson<FitRecord>(join(runs, "gl-1", "fit.json"));
  fit.status = "running";
  fit.settings.max_prior_draws = 20_000;
  await Deno.writeTextFile(join(out, "fit.json"), JSON.stringify(fit));
  const round1 = await readJson<RoundRecord>(join(out, "rounds", "001.json"));
  round1.region.threshold = 1e9;
  const round1Text = JSON.stringify(round1);
  await Deno.writeTextFile(join(out, "rounds", "001.json"), round1Text);

  const args = ["--task", "gaussian_linear", "--observation", "1", "--rounds", "2", "--sims-per-round", "500"];
  const { code, stderr } = await cli(
    "fit",
    ...args,
    ...QUICK,
    "--max-epochs",
    "60",
    "--samples",
    "1000",
    "--max-prior-draws",
    "20000",
    "--out",
    out,
  );
  assert.equal(code, 1, stderr);
  assert.match(stderr, /resuming after round 1 of 2/);
  const last = stderr.trim().split("\n").at(-1)!;
  assert.match(last, /^error: round 2: the truncation region holds 0 of 20000 prior draws \(500 needed\)/);
  assert.match(last, /rounds 1–1 are kept: the same command with --rounds 1 ends the fit on round 1$/);
  assert.equal(await Deno.readTextFile(join(out, "rounds", "001.json")), round1Text, "round 1 is kept");
  assert.ok(!(await exists(join(out, "rounds", "002"))), "nothing of round 2 is written");
  assert.equal((await readJson<FitRecord>(join(out, "fit.json"))).status, "running");
  assert.ok(!(await exists(join(out, LOCK_FILE))));
  // As the message says: with --rounds 1 the fit ends on round 1, whose record is unchanged.
  const rest = ["--max-epochs", "60", "--samples", "1000", "--max-prior-draws", "20000", "--out", out];
  const ended = await cli("fit", ...args.with(args.indexOf("--rounds") + 1, "1"), ...QUICK, ...rest);
  assert.equal(ended.code, 0, ended.stderr);
  const done = await readJson<FitRecord>(join(out, "fit.json"));
  assert.deepEqual([done.status, done.stopped], ["complete", "rounds"]);
  assert.equal(await Deno.readTextFile(join(out, "rounds", "001.json")), round1Text);
  assert.ok(await exists(join(out, "posterior")), "the final posterior is round 1's");
  await Deno.remove(out, { recursive: true });
});

Deno.test("fit: a model's fit of a recording keeps its preparation and conditions like a run", async () => {
  const out = join(runs, "rc-recording");
  const times = Array.from(getModel("rc").timesMs);
  // A recording in µV, 5 ms longer than the model's window on each side: cut and scaled back to mV.
  const lines = [-5, ...times, times.at(-1)! + 5].map((t) => `${t},${1000 * 0.2 * Math.exp(-(((t - 20) / 15) ** 2))}`);
  const recording = join(runs, "rc-recording.csv");
  await Deno.writeTextFile(recording, lines.join("\n") + "\n");
  const fitted = await cli(
    "fit",
    ...["--model", "rc", "--waveform", recording, "--scale", "1000", "--rounds", "1", "--sims-per-round", "100"],
    ...[...QUICK, "--max-epochs", "2", "--predictive-sims", "5", "--samples", "200", "--out", out],
  );
  assert.equal(fitted.code, 0, fitted.stderr);
  const observation = await readJson<{ x: number[]; source: { scale: number } }>(join(out, "observation.json"));
  assert.equal(observation.source.scale, 1000);
  const k = times.indexOf(20);
  assert.ok(Math.abs(observation.x[k] - 0.2) < 1e-6, `x at 20 ms: ${observation.x[k]}`);

  const conditioned = join(runs, "rc-recording.json");
  const { code, stderr } = await cli(
    "condition",
    ...["--run", out, "--waveform", recording, "--scale", "1000", "--samples", "100", "--predictive-sims", "5"],
    ...["--backend", "wasm", "--out", conditioned],
  );
  assert.equal(code, 0, stderr);
  const result = await readJson<{ samples: number[][]; x: number[] }>(conditioned);
  assert.equal(result.samples.length, 100);
  assert.deepEqual(result.x, observation.x.map((v) => Math.fround(v)));
  const taskFit = join(runs, "task-fit");
  await Deno.mkdir(taskFit);
  // The fit just made, as if it were of an sbibm task.
  const rcFit = await readJson<FitRecord>(join(out, "fit.json"));
  const taskRecord = { ...rcFit, settings: { ...rcFit.settings, target: { task: "two_moons" } } };
  await Deno.writeTextFile(join(taskFit, "fit.json"), JSON.stringify(taskRecord));
  const task = await cli("condition", "--run", taskFit, "--waveform", recording, "--out", conditioned);
  await Deno.remove(taskFit, { recursive: true });
  assert.match(task.stderr, /task-fit is a fit of sbibm's two_moons: only a model's fit conditions/);
});

Deno.test("fit: a region too small for rejection is drawn by SIR, which agrees with rejection where both work", async () => {
  // The RC fit of the test above (a box prior): its posterior's region above the median of its own log density.
  const dir = join(runs, "rc-recording");
  await useBackend("wasm");
  const run = (await loadFitPosterior(dir))!;
  try {
    const xo = (await Deno.readTextFile(join(dir, "observation.csv"))).trim().split("\n")[1].split(",").map(Number);
    const { posterior } = run, prior = posterior.prior, n = 200;
    const tau = await densityThreshold(posterior, xo, 1, { quantile: 0.5, supportSamples: 2000 });
    const samplePrior = (rows: number, u: Uniform) => Float32Array.from(prior.sample(rows, u));
    const draw = (seed: number, batch: number, maxDraws: number) =>
      truncatedDraws(n, samplePrior, posterior, xo, tau, seededUniform(seed), { batch, maxDraws });
    const rejection = await draw(2, 10_000, 10_000_000);
    // 100 prior draws allowed: too few for 200 rows of a region of about half the prior's mass.
    const sir = await draw(3, 100, 100);
    assert.deepEqual([rejection.sampler, sir.sampler], [undefined, "sir"]);
    assert.ok(rejection.volume < 0.9, `region: ${rejection.volume}`);
    const se = Math.hypot(rejection.volumeSe, sir.volumeSe);
    assert.ok(Math.abs(sir.volume - rejection.volume) < 4 * se, `${sir.volume} vs ${rejection.volume} (se ${se})`);
    const logQ = await posterior.logProb(sir.theta, xo);
    assert.ok(logQ.every((v) => v > tau), "every SIR row lies in the region");
    const rows = new Set(
      Array.from({ length: n }, (_, r) => sir.theta.subarray(r * prior.dim, (r + 1) * prior.dim).join()),
    );
    assert.equal(rows.size, n, "no row repeats");
    // Both are the prior restricted to the region: each parameter's mean on the unit cube agrees within 5 standard
    // errors of the difference (each sample's sd / √n).
    const unit = [rejection, sir].map((draws) => prior.toUnit(draws.theta));
    for (let j = 0; j < prior.dim; j++) {
      const [a, b] = unit.map((u) => Array.from({ length: n }, (_, r) => u[r * prior.dim + j]));
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      const sd = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));
      const tolerance = 5 * Math.hypot(sd(a), sd(b)) / Math.sqrt(n);
      assert.ok(Math.abs(mean(a) - mean(b)) < tolerance, `${prior.names[j]}: ${mean(a)} vs ${mean(b)}`);
    }
  } finally {
    run.posterior.dispose();
  }
});

Deno.test("fit-export: samples.csv's rows simulated by simulate --theta-file are predictive.csv's columns", async () => {
  // The RC fit of the test above, of a recording in µV (--scale 1000): predictive.csv is in µV too.
  const fit = join(runs, "rc-recording"), out = join(runs, "rc-export");
  const exported = await cli(
    "fit-export",
    ...["--fit", fit, "--out", out, "--samples", "40", "--predictive", "6", "--backend", "wasm"],
  );
  assert.equal(exported.code, 0, exported.stderr);
  const samples = (await Deno.readTextFile(join(out, "samples.csv"))).trim().split("\n");
  assert.equal(samples[0], getModel("rc").prior.names.join(","));
  assert.equal(samples.length, 41);
  const predictive = (await Deno.readTextFile(join(out, "predictive.csv"))).trim().split("\n").map((l) => l.split(","));
  assert.deepEqual(predictive[0], ["time_ms", ...[1, 2, 3, 4, 5, 6].map((k) => `draw_${k}`)]);
  const times = Array.from(getModel("rc").timesMs);
  assert.deepEqual(predictive.slice(1).map((row) => Number(row[0])), times);

  const thetaFile = join(runs, "rc-export-theta.csv"), simulated = join(runs, "rc-export-x.json");
  await Deno.writeTextFile(thetaFile, samples.slice(0, 7).join("\n") + "\n");
  const sim = await cli("simulate", "--model", "rc", "--theta-file", thetaFile, "--scale", "1000", "--out", simulated);
  assert.equal(sim.code, 0, sim.stderr);
  const { x } = await readJson<{ x: number[][] }>(simulated);
  // The same float32 simulation of the same θ: equal to float32 rounding (relative 1e-6 of the waveform's range).
  const range = Math.max(...x.flat().map(Math.abs));
  for (let k = 0; k < 6; k++) {
    times.forEach((_, i) => {
      const value = Number(predictive[i + 1][k + 1]);
      assert.ok(Math.abs(value - x[k][i]) <= 1e-6 * range, `draw ${k + 1} at ${times[i]} ms: ${value} vs ${x[k][i]}`);
    });
  }

  // fit.json's RMSE: the median of the six columns against the fitted observation, computed here independently.
  const summary = await readJson<FitExportSummary>(join(out, "fit.json"));
  assert.equal(summary.recording_scale, 1000);
  const observation = await readJson<{ x: number[] }>(join(fit, "observation.json"));
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return (sorted[2] + sorted[3]) / 2;
  };
  const squares = times.map((_, i) => (median(x.map((row) => row[i])) - 1000 * observation.x[i]) ** 2);
  const rmse = Math.sqrt(squares.reduce((a, b) => a + b, 0) / times.length);
  assert.ok(
    Math.abs(summary.predictive_median_rmse - rmse) <= 1e-5 * rmse,
    `${summary.predictive_median_rmse} vs ${rmse}`,
  );
  assert.equal(summary.total_sims, 100);
  // The same misfit split over bands: their squares make up the RMSE²; the RC model's x is not smoothed.
  const bandSquares = summary.residual_by_band!.reduce((sum, band) => sum + band.residual_rms ** 2, 0);
  assert.ok(Math.abs(Math.sqrt(bandSquares) - rmse) <= 1e-5 * rmse, `bands make ${Math.sqrt(bandSquares)}`);
  assert.equal(summary.smoothing_ms, undefined);
  assert.ok(summary.residual_by_band!.every((band) => band.smoothing_gain === undefined));
  assert.equal(summary.model, "rc");
  assert.equal(summary.dt_ms, getModel("rc").dtMs);

  const again = await cli("fit-export", "--fit", fit, "--out", out, "--backend", "wasm");
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /rc-export is not empty: give a new or empty folder as --out/);
});

Deno.test("fit: the stop rule compares the last two regions' prior mass, from round 2 on", () => {
  const round = (volume: number) => ({ region: { volume } }) as RoundRecord;
  assert.equal(converged([round(0.5)], 0.9), false, "round 1 alone never stops");
  assert.equal(converged([round(0.5), round(0.2)], 0.9), false, "still shrinking");
  assert.equal(converged([round(0.5), round(0.46)], 0.9), true, "0.46 / 0.5 = 0.92 > 0.9");
  assert.equal(converged([round(0.5), round(0.45)], 0.9), false, "0.45 / 0.5 = 0.9 is not above 0.9");
  assert.equal(converged([round(0), round(0)], 0.9), false, "an empty region is no convergence");
});

Deno.test("fit: the report lists fits, shows each round and compares two fits' posteriors", async () => {
  const app = await createApp(runs);
  const get = async (path: string) => {
    const response = await app.request(path);
    return { status: response.status, body: (await response.text()).replaceAll("&#39;", "'") };
  };
  const index = await get("/");
  assert.match(index.body, /href="\/fits\/gl-1">gl-1<\/a>/);
  assert.match(index.body, /href="\/fits\/gl-resumed">gl-resumed<\/a>/);
  const page = await get("/fits/gl-1");
  assert.equal(page.status, 200);
  const round2 = await readJson<RoundRecord>(join(runs, "gl-1", "rounds", "002.json"));
  assert.ok(page.body.includes(`<td>${round2.predictive.rmse.toPrecision(3)}</td>`), "round 2's RMSE");
  assert.ok(page.body.includes(`${round2.region.volume.toPrecision(3)} ± ${round2.region.se.toPrecision(2)}`));
  assert.match(page.body, /The observation against round 2's posterior-predictive bands/);
  assert.match(page.body, /<svg/);
  assert.equal((await get("/fits/no-such-fit")).status, 404);
  // A fit of a recording in µV (--scale 1000) is drawn, and its RMSE given, on the recording's scale.
  const scaled = await get("/fits/rc-recording");
  const rcRound = await readJson<RoundRecord>(join(runs, "rc-recording", "rounds", "001.json"));
  assert.ok(scaled.body.includes(`<td>${(1000 * rcRound.predictive.rmse).toPrecision(3)}</td>`), "RMSE × 1000");
  assert.match(scaled.body, /recording \(mV; x × 1000\)/);
  assert.match(scaled.body, /The RMSE is on the recording's scale: x × 1000/);
  // Its misfit by frequency band, on the recording's scale: the bands' squares make up the squared RMSE (to the
  // table's rounding). The RC model's x is not smoothed, so no gain is given; a task's fit has no such table.
  const bands = [...scaled.body.matchAll(/<td>(\d+)(?:–\d+|\+) Hz<\/td><td>([\d.]+)<\/td><td>([\d.]+)<\/td><\/tr>/g)];
  assert.deepEqual(bands.map((m) => Number(m[1])), [0, 10, 20, 30, 40, 50, 60]);
  const squares = bands.reduce((sum, m) => sum + Number(m[2]) ** 2, 0);
  assert.ok(Math.abs(Math.sqrt(squares) - 1000 * rcRound.predictive.rmse) <= 0.01 * 1000 * rcRound.predictive.rmse);
  assert.doesNotMatch(scaled.body, /smoothing gain/);
  assert.doesNotMatch(page.body, /misfit by frequency band/);
  const compare = await get("/compare?a=gl-1:fit&b=gl-resumed:fit");
  assert.equal(compare.status, 200);
  assert.match(compare.body, /parameter_10/);
  assert.match(compare.body, /OVL/);
});
