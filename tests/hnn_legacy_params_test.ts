/**
 * Legacy HNN parameter files: hnn-core's `default.json` read as a network spec reproduces hnn-core's own run of it
 * (drive events of `hnncore_legacy_default_10x10_raw_fAm.json.gz`) and its regression dipole `dpl.txt` (smoothed
 * 30 ms, ×3000) with the same spikes per cell type.
 */
import assert from "node:assert/strict";
import { readTextMaybeGzip } from "../lib/data/gzip.ts";
import { dataPath } from "../lib/data/paths.ts";
import { fixturePath, readGzipJson } from "../lib/hnn/reference/fixture.ts";
import { networkInstance } from "../lib/hnn/network/instance.ts";
import { type LegacyParams, parseParamText, specFromLegacyParams } from "../lib/hnn/network/legacy_params.ts";
import { CELL_TYPES } from "../lib/hnn/spec/types.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";
import { cli } from "./reference/cli.ts";

const params = await readGzipJson(fixturePath("hnncore", "default.json.gz")) as LegacyParams;

Deno.test("legacy params: default.json's evoked drive events are hnn-core's legacy-mode draws (1e-9 ms)", async () => {
  const run = await readGzipJson(fixturePath("hnncore", "hnncore_legacy_default_10x10_raw_fAm.json.gz")) as {
    trials: { drive_events: Record<string, number[][]> }[];
  };
  const spec = validateSpec(specFromLegacyParams(params));
  assert.deepEqual(spec.drives.map((d) => d.name), ["evdist1", "evprox1", "evprox2"]);
  const ours = networkInstance(spec).driveEvents;
  const theirs = spec.drives.flatMap((d) => run.trials[0].drive_events[d.name]);
  assert.equal(ours.length, 810);
  assert.equal(theirs.length, 810);
  ours.forEach((times, k) => {
    assert.equal(times.length, theirs[k].length, `drive cell ${k}`);
    times.forEach((t, i) => assert.ok(Math.abs(t - theirs[k][i]) < 1e-9, `drive cell ${k}: ${t} vs ${theirs[k][i]}`));
  });
});

Deno.test("legacy params: a .param text file reads as the same network as its JSON", () => {
  const text = Object.entries(params).map(([k, v]) => `${k}: ${v}`).join("\n");
  assert.deepEqual(specFromLegacyParams(parseParamText(`# HNN\n${text}\n`)), specFromLegacyParams(params));
});

Deno.test("legacy params: bad values and drives it cannot build are named by key", () => {
  const bad: [LegacyParams, RegExp][] = [
    [{ ...params, tstop: -1 }, /^tstop must be a positive time/],
    [{ ...params, L5Pyr_Pois_A_weight_ampa: 1e-3 }, /^L5Pyr_Pois_A_weight_ampa: Poisson drives .* not supported/],
    [
      { ...params, input_prox_A_weight_L2Pyr_ampa: 1e-3, t0_input_prox: 50 },
      /^input_prox_A_weight_L2Pyr_ampa: rhythmic/,
    ],
    [{ ...params, sigma_t_evprox_1: "wide" }, /^sigma_t_evprox_1 must be a non-negative number/],
  ];
  for (const [p, message] of bad) assert.throws(() => specFromLegacyParams(p), { message });
  assert.throws(() => parseParamText("tstop 170"), { message: /^line 1: expected "key: value"/ });
});

Deno.test("legacy params: simulate --spec default.json --smooth-ms 30 --scale 3000 is hnn-core's dpl.txt: spikes per type exact, dipoles within 2e-4 of their range (float32)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-legacy-" });
  try {
    await Deno.writeTextFile(`${dir}/default.json`, JSON.stringify(params));
    const { code, stderr } = await cli(
      "simulate",
      "--spec",
      `${dir}/default.json`,
      "--smooth-ms",
      "30",
      "--scale",
      "3000",
      "--out",
      `${dir}/out.json`,
    );
    assert.equal(code, 0, stderr);
    const out = JSON.parse(await Deno.readTextFile(`${dir}/out.json`)) as {
      spikes: { gids: number[] };
      dipole_nAm_processed: Record<"agg" | "L2" | "L5", number[]>;
    };
    const starts = [0, 35, 135, 170, 270];
    const counts = CELL_TYPES.map((_, i) => out.spikes.gids.filter((g) => g >= starts[i] && g < starts[i + 1]).length);
    assert.deepEqual(counts, [55, 114, 86, 396]);
    const rows = (await readTextMaybeGzip(dataPath("fixtures", "hnn", "hnncore", "dpl.txt.gz"))).trim().split("\n")
      .map((r) => r.trim().split(/\s+/).map(Number));
    (["agg", "L2", "L5"] as const).forEach((layer, c) => {
      const ours = out.dipole_nAm_processed[layer], ref = rows.map((r) => r[c + 1]);
      assert.equal(ours.length, ref.length);
      const range = Math.max(...ref) - Math.min(...ref);
      const error = Math.max(...ref.map((v, i) => Math.abs(ours[i] - v))) / range;
      assert.ok(error < 2e-4, `${layer}: max error ${error} of the range`);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("legacy params: simulate --spec with a bad .param file fails in one line naming the key, writing nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "neurosbi-legacy-" });
  try {
    const text = Object.entries({ ...params, tstop: 0 }).map(([k, v]) => `${k}: ${v}`).join("\n");
    await Deno.writeTextFile(`${dir}/bad.param`, text);
    const { code, stderr } = await cli("simulate", "--spec", `${dir}/bad.param`, "--out", `${dir}/out.json`);
    assert.notEqual(code, 0);
    assert.match(stderr.trim(), /bad\.param: tstop must be a positive time \(ms\), got 0$/);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    await assert.rejects(Deno.stat(`${dir}/out.json`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
