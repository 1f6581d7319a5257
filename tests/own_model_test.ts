/**
 * A researcher's own experiment file as `--model FILE.json`: simulate, tune, fit, fit-export and the report take it
 * as they take a shipped model, and a fit keeps its own copy of the file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { getModel } from "../lib/experiments/models.ts";
import { createApp } from "../lib/server/app.tsx";
import { assertRefused, cli } from "./reference/cli.ts";

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await Deno.readTextFile(path));
const shippedRc = () => readJson<Record<string, unknown>>(new URL("../experiments/rc.json", import.meta.url).pathname);

/** The shipped RC experiment renamed, its latency prior cut to [0, high] ms: a model only this file defines. */
async function writeOwnRc(path: string, high: number): Promise<void> {
  const rc = await shippedRc();
  const parameters = (rc.parameters as { name: string; low: number; high: number }[])
    .map((p) => p.name === "latency" ? { ...p, low: 0, high } : p);
  // Its observations' θ must lie in the narrower prior; none are needed to fit a recording.
  await Deno.writeTextFile(path, JSON.stringify({ ...rc, name: "my-rc", parameters, observations: [] }));
}

Deno.test("own model: an experiment file is simulated, tuned, fitted, exported and reported as --model FILE.json", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-own-model-" });
  try {
    const own = join(dir, "my-rc.json");
    await writeOwnRc(own, 40);
    // The file's model is the RC circuit: at one θ it simulates what the shipped rc does (same code, same float32).
    const truth = join(dir, "truth.csv");
    await Deno.writeTextFile(truth, "amp1,amp2,latency\n0.6,0.3,20\n");
    const [mine, shipped] = [join(dir, "mine.json"), join(dir, "shipped.json")];
    for (const [model, out] of [[own, mine], ["rc", shipped]]) {
      const sim = await cli("simulate", "--model", model, "--theta-file", truth, "--out", out);
      assert.equal(sim.code, 0, sim.stderr);
    }
    const x = (await readJson<{ x: number[][] }>(mine)).x[0];
    assert.deepEqual(x, (await readJson<{ x: number[][] }>(shipped)).x[0]);
    const times = Array.from(getModel("rc").timesMs);
    const recording = join(dir, "recording.csv");
    await Deno.writeTextFile(recording, times.map((t, i) => `${t},${1000 * x[i]}`).join("\n") + "\n");
    const observed = ["--waveform", recording, "--scale", "1000", "--smooth-ms", "0"];

    const tuned = join(dir, "tuned");
    const tune = await cli("tune", "--model", own, ...observed, "--trials", "1", "--generations", "3", "--out", tuned);
    assert.equal(tune.code, 0, tune.stderr);
    const search = await readJson<{ settings: { model: string } }>(join(tuned, "search.json"));
    assert.equal(search.settings.model, own, "the file as given");

    const fit = join(dir, "fit");
    const fitArgs = (rounds: number) => [
      ...["fit", "--model", own, ...observed, "--rounds", String(rounds), "--sims-per-round", "40"],
      ...["--flow", "maf", "--batch-size", "20", "--max-epochs", "2", "--predictive-sims", "4", "--samples", "40"],
      ...["--backend", "wasm", "--out", fit],
    ];
    const fitted = await cli(...fitArgs(1));
    assert.equal(fitted.code, 0, fitted.stderr);
    const record = await readJson<{
      label: string;
      settings: { target: { model: string } };
      parameters: { name: string; low: number; high: number }[];
    }>(join(fit, "fit.json"));
    assert.equal(record.settings.target.model, own);
    assert.match(record.label, /^model my-rc, /);
    // The file's prior, not the shipped rc's [-75, 75].
    assert.deepEqual(record.parameters.map((p) => [p.name, p.low, p.high]), [
      ["amp1", 0, 1],
      ["amp2", 0, 1],
      ["latency", 0, 40],
    ]);
    const copy = await readJson<{ name: string; parameters: { high: number }[] }>(join(fit, "model.json"));
    assert.equal(copy.name, "my-rc");
    assert.equal(copy.parameters[2].high, 40);

    // The file edited since: continuing the fit is refused in one line, and the fit's folder stays as it was.
    await writeOwnRc(own, 50);
    const before = await Deno.readTextFile(join(fit, "model.json"));
    const refused = await cli(...fitArgs(2));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /my-rc.json differs from the experiment the fit in .* began with/);
    assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
    assert.equal(await Deno.readTextFile(join(fit, "model.json")), before);
    assert.ok(!(await Deno.stat(join(fit, "rounds", "002.json")).then(() => true, () => false)), "no round 2");

    // The file gone: the export and the report read the fit's copy.
    await Deno.remove(own);
    const exported = join(dir, "export");
    const exp = await cli("fit-export", "--fit", fit, "--out", exported, "--samples", "40", "--predictive", "4");
    assert.equal(exp.code, 0, exp.stderr);
    const summary = await readJson<{ model: string }>(join(exported, "fit.json"));
    assert.equal(summary.model, "model.json");
    assert.equal(await Deno.readTextFile(join(exported, "model.json")), before);
    const app = await createApp(dir);
    assert.match(await (await app.request("/fits/fit")).text(), /model my-rc/);
    // Listed among the fits (its copy of the file is not taken for an experiment run's record).
    assert.match(await (await app.request("/")).text(), /href="\/fits\/fit"/);

    // `simulate --model EXPORT/model.json --theta-file samples.csv` reproduces predictive.csv's columns (RC has
    // no trials; predictive.csv is x × 1000 as the recording's scale; float32 printing: 1e-5 of the peak).
    const again = join(dir, "again.json");
    const sim = await cli(
      ...["simulate", "--model", join(exported, "model.json"), "--theta-file", join(exported, "samples.csv")],
      ...["--scale", "1000", "--out", again],
    );
    assert.equal(sim.code, 0, sim.stderr);
    const simulated = (await readJson<{ x: number[][] }>(again)).x;
    const columns = (await Deno.readTextFile(join(exported, "predictive.csv"))).trim().split("\n").slice(1)
      .map((line) => line.split(",").map(Number));
    const peak = Math.max(...columns.flatMap((row) => row.slice(1).map(Math.abs)));
    for (let k = 0; k < 4; k++) {
      columns.forEach((row, i) => assert.ok(Math.abs(row[k + 1] - simulated[k][i]) <= 1e-5 * peak, `draw ${k + 1}`));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("own model: a missing or malformed experiment file is one line naming it, and nothing is written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-own-model-bad-" });
  try {
    const recording = join(dir, "recording.csv");
    await Deno.writeTextFile(recording, Array.from(getModel("rc").timesMs, (t) => `${t},0`).join("\n") + "\n");
    const broken = join(dir, "broken.json"), wrong = join(dir, "wrong.json");
    await Deno.writeTextFile(broken, "{ not json");
    await Deno.writeTextFile(wrong, JSON.stringify({ ...(await shippedRc()), noise_sd: -1 }));
    const fit = (model: string) => [
      ...["fit", "--model", model, "--waveform", recording, "--rounds", "1", "--sims-per-round", "10"],
    ];
    await assertRefused([
      [fit(join(dir, "missing.json")), /missing.json: cannot read it as JSON/],
      [fit(broken), /broken.json: cannot read it as JSON/],
      [fit(wrong), /wrong.json: noise_sd: /],
      [["tune", "--model", wrong, "--waveform", recording], /wrong.json: noise_sd: /],
      [["simulate", "--model", join(dir, "missing.json"), "--sims", "2"], /missing.json: cannot read it as JSON/],
      [fit("lif"), /unknown model "lif" \(available: rc, .*experiment file/],
    ], join(dir, "out"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
