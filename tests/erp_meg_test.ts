/**
 * The erp-meg model (experiments/erp-meg.json): hnn-core's ERP drives as its prior's parameters, x in the MEG
 * recordings' nAm. Its prior as documented, θ at hnn-core's defaults reproducing hnn-core's default ERP (NEURON,
 * data/fixtures/hnn/erp_jones2009.json.gz) and HNN's fit of the detected-taps recording, and the CLI re-simulating θ.
 */
import assert from "node:assert/strict";
import { dataPath } from "../lib/data/paths.ts";
import { parseWaveform } from "../lib/data/waveform.ts";
import { experimentFilePath, EXPERIMENTS } from "../lib/experiments/configs.ts";
import { experimentFromJson } from "../lib/experiments/experiment_file.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { fixturePath, readFixture } from "../lib/hnn/reference/fixture.ts";
import { erpDrives } from "../lib/hnn/network/jones2009.ts";
import { applyParameters } from "../lib/hnn/network/instance.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";
import type { EvokedDriveSpec } from "../lib/hnn/spec/types.ts";
import { getModel } from "../lib/experiments/models.ts";
import { cli } from "./reference/cli.ts";
import { pearson, relativeRmse } from "./reference/metrics.ts";

const config = EXPERIMENTS["erp-meg"];
const DRIVES = ["evprox1", "evdist1", "evprox2"] as const;
/** hnn-core's add_erp_drives_to_jones_model: mean times and spreads (ms); gains 1 keep its weights. */
const HNN_DEFAULTS: Record<string, number> = {
  evprox1_mu: 26.61,
  evprox1_sigma: 2.47,
  evdist1_mu: 63.53,
  evdist1_sigma: 3.85,
  evprox2_mu: 137.12,
  evprox2_sigma: 8.33,
  evprox1_L2: 1,
  evprox1_L5: 1,
  evdist1_L2: 1,
  evdist1_L5: 1,
  evprox2_L2: 1,
  evprox2_L5: 1,
};
/** θ at hnn-core's defaults: its mean times and spreads, every gain 1 (both models' gains are × the defaults). */
const defaultTheta = (names: readonly string[]) => names.map((name) => HNN_DEFAULTS[name] ?? 1);

/** The model's network with its parameters, as the experiment file gives them. */
function modelSpec(name: "erp-meg" | "erp-meg-cells" | "erp-meg-prestim" = "erp-meg") {
  const file = JSON.parse(Deno.readTextFileSync(experimentFilePath(name)));
  const network = JSON.parse(Deno.readTextFileSync(new URL("../experiments/" + file.network, import.meta.url)));
  return validateSpec({
    ...network,
    drives: [...network.drives, ...file.extra_drives ?? []],
    parameters: file.parameters,
  });
}

/** A prior's box as the tests compare it. */
const boxOf = (prior: ReturnType<typeof getModel>["prior"]) =>
  prior.box().map(({ name, low, high, scale, unit }) => ({ name, low, high, scale, unit }));

/**
 * The box an ERP-MEG prior should have: per drive, its mean time and spread ([mu low, mu high, sigma low, sigma high],
 * ms), then one log10 gain per target suffix on [low, high] × default.
 */
function expectedBox(
  timing: Record<typeof DRIVES[number], [number, number, number, number]>,
  targets: (drive: string) => string[],
  [low, high]: [number, number],
) {
  return DRIVES.flatMap((d) => [
    { name: `${d}_mu`, low: timing[d][0], high: timing[d][1], scale: "linear", unit: "ms" },
    { name: `${d}_sigma`, low: timing[d][2], high: timing[d][3], scale: "linear", unit: "ms" },
    ...targets(d).map((t) => ({ name: `${d}_${t}`, low, high, scale: "log10", unit: "× default" })),
  ]);
}

/** RMSE (nAm) of x against a recording at the recording's own samples, x interpolated linearly, as HNN computes it. */
function rmseAtRecording(timesMs: ArrayLike<number>, x: ArrayLike<number>, recording: string): number {
  const { times, values } = parseWaveform(Deno.readTextFileSync(dataPath(recording)), recording);
  let se = 0, n = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (t > timesMs[timesMs.length - 1]) continue;
    let k = 0;
    while (timesMs[k + 1] < t) k++;
    const w = (t - timesMs[k]) / (timesMs[k + 1] - timesMs[k]);
    se += ((1 - w) * x[k] + w * x[k + 1] - values[i]) ** 2;
    n++;
  }
  return Math.sqrt(se / n);
}

Deno.test("erp-meg prior: each drive's mean time and spread (ms), gains onto L2 and L5 (log10 on [0.25, 4])", () => {
  const prior = getModel("erp-meg").prior;
  const want = expectedBox(
    { evprox1: [15, 40, 1, 10], evdist1: [45, 85, 1, 12], evprox2: [100, 160, 2, 20] },
    () => ["L2", "L5"],
    [0.25, 4],
  );
  assert.deepEqual(boxOf(prior), want);
  // hnn-core's defaults lie inside, away from the bounds (unit-cube coordinates within (0.1, 0.9)).
  const unit = prior.toUnit(defaultTheta(prior.names));
  unit.forEach((u, i) => assert.ok(u > 0.1 && u < 0.9, `${prior.names[i]} at ${u} of its range`));
  // x: the recordings' time base and units.
  const model = getModel("erp-meg");
  assert.equal(model.dtMs, 0.5);
  assert.equal(model.timesMs.length, 341);
  assert.equal(model.timesMs.at(-1), 170);
  assert.deepEqual(model.settings, { smooth_ms: 30, dipole_scale: 3000 });
});

Deno.test("erp-meg: θ at the defaults gives add_erp_drives_to_jones_model's drives; a gain of 2 doubles weights", () => {
  const spec = modelSpec();
  const theta = defaultTheta(spec.parameters.map((p) => p.name));
  const atDefaults = applyParameters(spec, theta).drives;
  const hnnCore = erpDrives();
  for (const want of hnnCore) {
    const got = atDefaults.find((d) => d.name === want.name)! as typeof want;
    assert.equal(got.mu, want.mu, `${want.name}.mu`);
    assert.equal(got.sigma, want.sigma, `${want.name}.sigma`);
    for (const key of ["weights_ampa", "weights_nmda"] as const) {
      for (const [type, w] of Object.entries(want[key] ?? {})) {
        const value = got[key]![type as keyof typeof got[typeof key]]!;
        assert.ok(Math.abs(value - w) <= 1e-12 * w, `${want.name}.${key}.${type}: ${value}, hnn-core ${w}`);
      }
    }
    assert.equal(got.cell_specific, true, "one drive cell per target cell, as hnn-core's ERP drives");
  }
  // evdist1_L2 at 2: its AMPA and NMDA weights onto L2 cells double, those onto L5 stay.
  const i = spec.parameters.findIndex((p) => p.name === "evdist1_L2");
  const doubled = applyParameters(spec, theta.map((v, k) => k === i ? 2 : v)).drives.find((d) => d.name === "evdist1")!;
  const evdist1 = hnnCore.find((d) => d.name === "evdist1")!;
  assert.ok(Math.abs(doubled.weights_nmda!.L2_pyramidal! - 2 * evdist1.weights_nmda!.L2_pyramidal!) < 1e-15);
  assert.ok(Math.abs(doubled.weights_ampa!.L2_basket! - 2 * evdist1.weights_ampa!.L2_basket!) < 1e-15);
  assert.equal(doubled.weights_ampa!.L5_pyramidal, evdist1.weights_ampa!.L5_pyramidal);
});

Deno.test("erp-meg-cells prior: wider timing, a gain per drive and target cell type (log10 on [0.001, 100])", () => {
  const prior = getModel("erp-meg-cells").prior;
  // The distal drive has no L5 basket weight in hnn-core's ERP, so no gain for it.
  const want = expectedBox(
    { evprox1: [10, 45, 1, 12], evdist1: [45, 90, 1, 20], evprox2: [80, 165, 2, 25] },
    (d) => d === "evdist1" ? ["L2Pyr", "L2Basket", "L5Pyr"] : ["L2Pyr", "L2Basket", "L5Pyr", "L5Basket"],
    [0.001, 100],
  );
  assert.deepEqual(boxOf(prior), want);
  // Everything else (time base, smoothing, scale, observation noise) is erp-meg's.
  const model = getModel("erp-meg-cells"), base = getModel("erp-meg");
  assert.deepEqual(model.settings, base.settings);
  assert.deepEqual(Array.from(model.timesMs), Array.from(base.timesMs));
  assert.equal(EXPERIMENTS["erp-meg-cells"].noise, config.noise);
});

Deno.test("erp-meg-cells: θ at the defaults gives erp-meg's drives; a gain moves only its drive's weights onto its cell type", () => {
  const spec = modelSpec("erp-meg-cells"), base = modelSpec();
  const theta = defaultTheta(spec.parameters.map((p) => p.name));
  const drives = applyParameters(spec, theta).drives;
  assert.deepEqual(drives, applyParameters(base, defaultTheta(base.parameters.map((p) => p.name))).drives);
  // Every weight of hnn-core's ERP drives has exactly one gain: each gain × 10 scales its own weights (AMPA and
  // NMDA) by 10 and leaves every other weight as it was.
  const key = (d: string, w: string, t: string) => `${d}.${w}.${t}`;
  const weights = (ds: typeof drives) =>
    new Map(
      ds.flatMap((d) =>
        (["weights_ampa", "weights_nmda"] as const).flatMap((w) =>
          Object.entries(d[w] ?? {}).map(([t, v]) => [key(d.name, w, t), v as number] as const)
        )
      ),
    );
  const before = weights(drives);
  const touched = new Set<string>();
  spec.parameters.forEach((p, i) => {
    if (p.scale !== "log10") return;
    const after = weights(applyParameters(spec, theta.map((v, k) => k === i ? 10 : v)).drives);
    const [drive, cell] = p.name.split("_");
    const target = {
      L2Pyr: "L2_pyramidal",
      L2Basket: "L2_basket",
      L5Pyr: "L5_pyramidal",
      L5Basket: "L5_basket",
    }[cell]!;
    for (const [k, v] of before) {
      const own = k.startsWith(`${drive}.`) && k.endsWith(`.${target}`);
      if (own) touched.add(k);
      const want = own ? 10 * v : v;
      assert.ok(Math.abs(after.get(k)! - want) <= 1e-12 * want, `${p.name} → ${k}: ${after.get(k)}, want ${want}`);
    }
  });
  assert.deepEqual([...touched].sort(), [...before.keys()].sort(), "some weight has no gain");
});

/** The onset drive's parameters in erp-meg-prestim: mean time, spread (ms), gains × evdist1's hnn-core weights. */
const ONSET = ["evdist0_mu", "evdist0_sigma", "evdist0_L2Pyr", "evdist0_L2Basket", "evdist0_L5Pyr"];

Deno.test("erp-meg-prestim prior: an onset drive in the first 20 ms, then erp-meg-cells' prior; x as erp-meg-cells'", () => {
  const box = boxOf(getModel("erp-meg-prestim").prior);
  assert.deepEqual(box.slice(0, 5), [
    { name: "evdist0_mu", low: 0, high: 20, scale: "linear", unit: "ms" },
    { name: "evdist0_sigma", low: 1, high: 20, scale: "linear", unit: "ms" },
    ...ONSET.slice(2).map((name) => ({ name, low: 0.001, high: 100, scale: "log10", unit: "× default" })),
  ]);
  assert.deepEqual(box.slice(5), boxOf(getModel("erp-meg-cells").prior));
  const model = getModel("erp-meg-prestim"), cells = getModel("erp-meg-cells");
  assert.deepEqual(model.settings, cells.settings);
  assert.deepEqual(Array.from(model.timesMs), Array.from(cells.timesMs));
  assert.equal(EXPERIMENTS["erp-meg-prestim"].noise, EXPERIMENTS["erp-meg-cells"].noise);
});

Deno.test("erp-meg-prestim: erp-meg-cells' drives plus a distal onset drive with evdist1's weights × its gains", () => {
  const spec = modelSpec("erp-meg-prestim"), cells = modelSpec("erp-meg-cells");
  const rest = defaultTheta(cells.parameters.map((p) => p.name)).map((v, i) => i % 3 === 2 ? 2 * v : v);
  const drives = applyParameters(spec, [4, 6, 2, 3, 5, ...rest]).drives;
  assert.deepEqual(drives.slice(0, 3), applyParameters(cells, rest).drives);
  const onset = drives[3] as EvokedDriveSpec, evdist1 = erpDrives().find((d) => d.name === "evdist1")!;
  assert.deepEqual([onset.name, onset.type, onset.location, onset.mu, onset.sigma], [
    "evdist0",
    "evoked",
    "distal",
    4,
    6,
  ]);
  assert.equal(onset.cell_specific, true);
  const gains: Record<string, number> = { L2_pyramidal: 2, L2_basket: 3, L5_pyramidal: 5 };
  for (const key of ["weights_ampa", "weights_nmda"] as const) {
    const want = evdist1[key]!, got = onset[key]!;
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
    for (const [type, w] of Object.entries(want)) {
      const value = got[type as keyof typeof got]!;
      assert.ok(Math.abs(value - gains[type] * w) <= 1e-12 * w, `evdist0.${key}.${type}: ${value}`);
    }
  }
});

Deno.test("erp-meg-prestim: without the onset drive's weights it is erp-meg-cells; with them 0–20 ms goes negative", async () => {
  const model = getModel("erp-meg-prestim"), cells = getModel("erp-meg-cells");
  const rest = defaultTheta(cells.prior.names);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  const [off, full, without] = [
    await model.simulate(runtime, Float32Array.from([10, 5, 0, 0, 0, ...rest])),
    await model.simulate(runtime, Float32Array.from([2, 5, 1, 1, 1, ...rest])),
    await cells.simulate(runtime, Float32Array.from(rest)),
  ];
  // Zero weights (outside the prior, which stops at 1e-3 × evdist1's: that much can already move a spike): the
  // extra drive cells change nothing, to the last bit.
  assert.deepEqual(Array.from(off), Array.from(without));
  // evdist1's weights onto the apical tufts at 2 ms: current flows down the L5 dendrites, a negative dipole at once.
  const early = model.timesMs.findIndex((t) => t >= 20);
  const low = Math.min(...full.subarray(0, early)), before = Math.min(...without.subarray(0, early));
  assert.ok(low < -10 && before > -2, `0–20 ms minimum ${low.toFixed(1)} nAm (without the drive ${before.toFixed(1)})`);
});

Deno.test("erp-meg at dt 0.025 ms and θ at the defaults reproduces hnn-core's default ERP and HNN's fit of 'yes'", async () => {
  const fx = await readFixture(fixturePath("erp_jones2009.json.gz")) as unknown as {
    times_ms: number[];
    postprocessed_agg_smooth30_scale3000: number[];
  };
  const want = fx.postprocessed_agg_smooth30_scale3000;
  const model = config.simulator(0.025);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  try {
    const x = await model.simulate(runtime, Float32Array.from(defaultTheta(model.prior.names)));
    assert.equal(x.length, want.length);
    // NEURON's dipole, smoothed 30 ms and × 3000 by hnn-core: float32 against float64, 1% of its 121 nAm range
    // (measured on llvmpipe: 3.4e-6 of it, 1.6e-3 nAm at worst).
    const r = pearson(x, want), e = relativeRmse(x, want);
    assert.ok(r >= 0.999, `r = ${r}`);
    assert.ok(e <= 0.01, `RMSE ${(100 * e).toFixed(4)}% of peak-to-peak`);
    // HNN's ERP tutorial fits the detected taps with this waveform at RMSE ≈ 4.8 nAm; the same RMSE as hnn-core's
    // own waveform, within 0.05 nAm.
    const got = rmseAtRecording(model.timesMs, x, "meg/yes_trial_S1_ERP_all_avg.txt");
    const hnnCore = rmseAtRecording(fx.times_ms, want, "meg/yes_trial_S1_ERP_all_avg.txt");
    assert.ok(Math.abs(hnnCore - 4.8) < 0.1, `hnn-core's default ERP against 'yes': ${hnnCore} nAm`);
    assert.ok(Math.abs(got - hnnCore) < 0.05, `RMSE to 'yes' ${got} nAm, hnn-core's ${hnnCore} nAm`);
  } finally {
    runtime.destroy();
  }
});

Deno.test("cli: simulate --model erp-meg --theta-file re-simulates two rows as the model's simulate does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-erp-meg-" });
  try {
    const model = getModel("erp-meg");
    const rows = [defaultTheta(model.prior.names), [30, 4, 0.5, 2, 70, 6, 1.5, 0.7, 120, 12, 0.8, 1.3]];
    await Deno.writeTextFile(
      `${dir}/t.csv`,
      [model.prior.names.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n",
    );
    const { code, stderr } = await cli(
      "simulate",
      "--model",
      "erp-meg",
      "--theta-file",
      `${dir}/t.csv`,
      "--out",
      `${dir}/x.json`,
    );
    assert.equal(code, 0, stderr);
    const out = JSON.parse(await Deno.readTextFile(`${dir}/x.json`)) as { times_ms: number[]; x: number[][] };
    assert.deepEqual(out.times_ms, Array.from(model.timesMs));
    const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
    try {
      const x = await model.simulate(runtime, Float32Array.from(rows.flat()));
      const t = model.timesMs.length;
      // The same float32 computation in both: equal to float32 precision.
      rows.forEach((_, r) =>
        out.x[r].forEach((v, k) =>
          assert.ok(Math.abs(v - x[r * t + k]) <= 1e-6 * Math.max(1, Math.abs(v)), `${r}/${k}`)
        )
      );
      // The two θ differ in x: θ reaches the network.
      assert.ok(relativeRmse(out.x[1], out.x[0]) > 0.05);
    } finally {
      runtime.destroy();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: θ outside the erp-meg prior is one line, exit ≠ 0, nothing written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-erp-meg-" });
  try {
    const names = getModel("erp-meg").prior.names;
    const row = defaultTheta(names).map((v, i) => names[i] === "evprox2_L5" ? 5 : v);
    await Deno.writeTextFile(`${dir}/t.csv`, `${names.join(",")}\n${row.join(",")}\n`);
    const { code, stderr } = await cli(
      "simulate",
      "--model",
      "erp-meg",
      "--theta-file",
      `${dir}/t.csv`,
      "--out",
      `${dir}/x.json`,
    );
    assert.notEqual(code, 0);
    assert.match(stderr, /row 1: evprox2_L5 = 5 lies outside the prior/);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    assert.equal(await Deno.stat(`${dir}/x.json`).then(() => true, () => false), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("experiment files: smooth_ms and dipole_scale are for networks and kept by a window; factors are positive", () => {
  const budgets = {
    small: {
      sims: 1,
      sbc_pairs: 1,
      sbc_samples: 1,
      grid_points: 1,
      grid_samples: 1,
      predictive_sims: 1,
      observation_samples: 1,
    },
  };
  assert.throws(() => experimentFromJson({ name: "r", model: "rc", budgets, dipole_scale: 3000 }, "f.json"), {
    message: "f.json: dipole_scale: the rc model is not a network: its x has no dipole",
  });
  const file = JSON.parse(Deno.readTextFileSync(experimentFilePath("erp-meg")));
  // A window keeps x's smoothing and scale among the settings that identify a dataset.
  const windowed = experimentFromJson({ ...file, window_ms: [50, 170] }, experimentFilePath("erp-meg"));
  assert.deepEqual(windowed.simulator(0.5).settings, { smooth_ms: 30, dipole_scale: 3000 });
  const parameters = structuredClone(file.parameters);
  parameters[2].sets[0].factor = 0;
  assert.throws(() => experimentFromJson({ ...file, parameters }, experimentFilePath("erp-meg")), {
    message: /parameters\[2\]\.sets\[0\]\.factor must be a positive number, got 0/,
  });
});
