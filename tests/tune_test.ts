import assert from "node:assert/strict";
import { join } from "node:path";
import { crossEntropySearch, SEARCH_DEFAULTS } from "../lib/fit/search.ts";
import { getModel } from "../lib/experiments/models.ts";
import { createApp } from "../lib/server/app.tsx";
import { assertRefused, cli } from "./reference/cli.ts";

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await Deno.readTextFile(path));

/** A bowl in the unit cube with its minimum 0 at `target`. */
const target = [0.2, 0.7, 0.45, 0.9, 0.1];
const bowl = (u: ArrayLike<number>) => target.reduce((s, t, j) => s + (u[j] - t) ** 2, 0);

Deno.test("search: the cross-entropy search finds a bowl's minimum from a far start (within 0.02 per coordinate)", async () => {
  const options = {
    start: [0.9, 0.1, 0.9, 0.1, 0.9],
    generations: 40,
    ...SEARCH_DEFAULTS,
    minSpread: 0.001,
    seed: 3,
    score: (units: Float64Array[]) => Promise.resolve(units.map(bowl)),
  };
  const result = await crossEntropySearch(options);
  result.unit.forEach((u, j) => assert.ok(Math.abs(u - target[j]) < 0.02, `coordinate ${j}: ${u} vs ${target[j]}`));
  assert.equal(result.score, bowl(result.unit));
  assert.equal(result.generations.length, 40);
  // The best so far never rises; the start (generation 1's centre) scores what the bowl says.
  result.generations.slice(1).forEach((g, i) => assert.ok(g.bestSoFar <= result.generations[i].bestSoFar));
  assert.ok(result.generations[0].bestSoFar <= bowl(options.start));
  // Deterministic for a seed.
  assert.deepEqual((await crossEntropySearch(options)).unit, result.unit);
});

Deno.test("search: the θ returned is judged on fresh trials, not on the lucky ones it was found with", async () => {
  // Trial sets 0–4 are the generations'; set 5 is the final check. A candidate near 0.3 scores a lucky 0 on the
  // generations' trials only; on fresh trials the bowl's own score decides.
  const calls: { rows: number; trials: number }[] = [];
  const result = await crossEntropySearch({
    start: [0.5, 0.5, 0.5, 0.5, 0.5],
    generations: 5,
    ...SEARCH_DEFAULTS,
    seed: 1,
    score: (units, trials) => {
      calls.push({ rows: units.length, trials });
      return Promise.resolve(units.map((u) => (trials < 5 && Math.abs(u[0] - 0.3) < 0.05 ? 0 : bowl(u))));
    },
  });
  assert.deepEqual(calls.at(-1), { rows: 2, trials: 5 });
  assert.deepEqual(calls.slice(0, 5).map((c) => c.trials), [0, 1, 2, 3, 4]);
  assert.ok(calls.slice(0, 5).every((c) => c.rows === SEARCH_DEFAULTS.population));
  assert.equal(result.score, bowl(result.unit));
  if (result.bestFoundScore === 0) assert.ok(result.score > 0);
});

Deno.test("search: bad settings are refused", async () => {
  const base = { start: [0.5], generations: 2, ...SEARCH_DEFAULTS, seed: 0, score: () => Promise.resolve([0]) };
  await assert.rejects(crossEntropySearch({ ...base, generations: 0 }), /generations must be at least 1/);
  await assert.rejects(crossEntropySearch({ ...base, population: 1 }), /population must be at least 2/);
  await assert.rejects(crossEntropySearch({ ...base, elite: 24 }), /elite must lie in \[1, population\), got 24/);
  await assert.rejects(crossEntropySearch({ ...base, step: 0 }), /step must lie in \(0, 1\]/);
  const nan = { ...base, score: (u: Float64Array[]) => Promise.resolve(u.map(() => NaN)) };
  await assert.rejects(crossEntropySearch(nan), /generation 1: fewer than 6 candidates scored finitely/);
});

Deno.test("tune → fit --around: the RC model tuned to a recording of known θ, then fitted in a box around it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-tune-" });
  try {
    const rc = getModel("rc");
    // The recording: the RC model's own waveform at a known θ, in µV (--scale 1000).
    const truth = join(dir, "truth.csv"), truthX = join(dir, "truth.json");
    await Deno.writeTextFile(truth, `${rc.prior.names.join(",")}\n0.6,0.3,20\n`);
    const sim = await cli("simulate", "--model", "rc", "--theta-file", truth, "--out", truthX);
    assert.equal(sim.code, 0, sim.stderr);
    const { x, times_ms } = await readJson<{ x: number[][]; times_ms: number[] }>(truthX);
    const recording = join(dir, "recording.csv");
    await Deno.writeTextFile(recording, times_ms.map((t, i) => `${t},${1000 * x[0][i]}`).join("\n") + "\n");

    const tuned = join(dir, "tuned");
    const tune = await cli(
      "tune",
      ...["--model", "rc", "--waveform", recording, "--scale", "1000", "--smooth-ms", "0", "--trials", "1"],
      ...["--generations", "25", "--out", tuned],
    );
    assert.equal(tune.code, 0, tune.stderr);
    const search = await readJson<{
      settings: { model: string; observation: { path: string } };
      generations: unknown[];
      best: { theta: Record<string, number>; rmse: number; rmse_fresh_trials: number };
      waveform: { mean: number[]; recording: number[] };
    }>(join(tuned, "search.json"));
    assert.equal(search.generations.length, 25);
    assert.equal(search.settings.observation.path, recording, "the recording as given");
    assert.equal(search.settings.model, "rc", "the model as simulate --model names it");
    const span = Math.max(...x[0].map(Math.abs)) * 1000;
    // Tuned to within 2% of the waveform's peak (µV); the RC model has no trials, so fresh ones score the same.
    assert.ok(search.best.rmse < 0.02 * span, `RMSE ${search.best.rmse} µV, peak ${span}`);
    assert.ok(Math.abs(search.best.rmse_fresh_trials - search.best.rmse) <= 1e-9 * span);
    // best.csv simulated independently lies that RMSE from the recording (float32 printing: 1e-4 relative).
    const bestX = join(dir, "best.json");
    const again = await cli("simulate", "--model", "rc", "--theta-file", join(tuned, "best.csv"), "--out", bestX);
    assert.equal(again.code, 0, again.stderr);
    const best = (await readJson<{ x: number[][] }>(bestX)).x[0];
    const rmse = Math.sqrt(best.reduce((s, v, i) => s + (1000 * v - 1000 * x[0][i]) ** 2, 0) / best.length);
    assert.ok(Math.abs(rmse - search.best.rmse) <= 1e-4 * span, `${rmse} vs ${search.best.rmse}`);

    const fit = join(dir, "fit");
    const fitted = await cli(
      "fit",
      ...["--model", "rc", "--waveform", recording, "--scale", "1000", "--smooth-ms", "0"],
      ...["--around", join(tuned, "best.csv"), "--around-width", "0.1", "--rounds", "1", "--sims-per-round", "60"],
      ...["--flow", "maf", "--batch-size", "30", "--max-epochs", "2", "--predictive-sims", "4", "--samples", "50"],
      ...["--backend", "wasm", "--out", fit],
    );
    assert.equal(fitted.code, 0, fitted.stderr);
    const record = await readJson<{
      parameters: { name: string; low: number; high: number }[];
      settings: { around: { theta: number[]; half_width: number } };
    }>(join(fit, "fit.json"));
    const centre = rc.prior.names.map((name) => search.best.theta[name]);
    const box = rc.prior.box();
    record.parameters.forEach((p, j) => {
      // ± 0.1 of each linear range around the tuned θ, clipped to the model's prior (float32 printing of best.csv).
      const width = 0.1 * (box[j].high - box[j].low), tolerance = 1e-6 * (box[j].high - box[j].low);
      assert.ok(Math.abs(p.low - Math.max(box[j].low, centre[j] - width)) <= tolerance, `${p.name} low ${p.low}`);
      assert.ok(Math.abs(p.high - Math.min(box[j].high, centre[j] + width)) <= tolerance, `${p.name} high ${p.high}`);
    });
    assert.equal(record.settings.around.half_width, 0.1);

    // The report says the fit's prior is the box around the tuned θ, and gives it.
    const page = (await (await (await createApp(dir)).request("/fits/fit")).text()).replaceAll("&#39;", "'");
    assert.match(page, /Around a tuned θ \(<code>fit --around<\/code>\): the model's prior cut down to θ ± 0.1/);
    const [amp1] = record.parameters;
    assert.ok(page.includes(`amp1 ${amp1.low.toPrecision(3)}–${amp1.high.toPrecision(3)}`), "amp1's box");

    const exported = join(dir, "export");
    const exp = await cli("fit-export", "--fit", fit, "--out", exported, "--samples", "50", "--predictive", "4");
    assert.equal(exp.code, 0, exp.stderr);
    const rows = (await Deno.readTextFile(join(exported, "samples.csv"))).trim().split("\n").slice(1);
    for (const row of rows) {
      row.split(",").map(Number).forEach((v, j) => {
        const p = record.parameters[j];
        assert.ok(v >= p.low - 1e-6 && v <= p.high + 1e-6, `${p.name} = ${v} outside [${p.low}, ${p.high}]`);
      });
    }
    const summary = await readJson<{ around: { theta: Record<string, number>; half_width: number } }>(
      join(exported, "fit.json"),
    );
    assert.deepEqual(Object.keys(summary.around.theta), rc.prior.names);
    assert.equal(summary.around.half_width, 0.1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tune and fit --around: bad input is one line with a non-zero exit, and nothing is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-tune-bad-" });
  try {
    const out = join(dir, "out");
    const recording = join(dir, "recording.csv"), wrong = join(dir, "wrong.csv"), outside = join(dir, "outside.csv");
    const times = Array.from(getModel("rc").timesMs);
    await Deno.writeTextFile(recording, times.map((t) => `${t},0`).join("\n") + "\n");
    await Deno.writeTextFile(wrong, "a,b,c\n0.5,0.5,0\n");
    await Deno.writeTextFile(outside, "amp1,amp2,latency\n0.5,0.5,90\n");
    const inside = join(dir, "inside.csv");
    await Deno.writeTextFile(inside, "amp1,amp2,latency\n0.5,0.5,0\n");
    const fit = ["fit", "--model", "rc", "--waveform", recording, "--rounds", "1", "--sims-per-round", "10"];
    const task = ["fit", "--task", "gaussian_linear", "--observation", "1", "--rounds", "1", "--sims-per-round", "10"];
    const cases: [string[], RegExp][] = [
      [[...fit, "--around", wrong], /wrong.csv: header must be "amp1,amp2,latency", found "a,b,c"/],
      [[...fit, "--around", outside], /latency = 90 lies outside the prior \[-75, 75\]/],
      [[...fit, "--around", join(dir, "missing.csv")], /missing.csv/],
      [[...fit, "--around", inside, "--around-width", "0.6"], /half-width must lie in \(0, 0.5\], got 0.6/],
      [[...task, "--around", wrong], /--around cuts down a model's prior, not an sbibm task's/],
      [["tune", "--model", "rc", "--waveform", recording, "--start", outside], /latency = 90 lies outside/],
      [["tune", "--model", "rc", "--waveform", recording, "--elite", "30"], /elite must lie in \[1, population\)/],
      [["tune", "--model", "rc", "--waveform", wrong.replace("wrong", "none")], /none.csv/],
    ];
    await assertRefused(cases, out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
