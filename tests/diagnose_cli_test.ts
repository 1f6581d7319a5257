import assert from "node:assert/strict";
import { join } from "node:path";
import { formatSamplesCsv } from "../lib/posterior/csv.ts";
import { seededUniform } from "../lib/random.ts";
import { normalMatrix, seededNormal } from "../lib/stats/normal.ts";
import { cli } from "./reference/cli.ts";
import { makeTinyRcRun } from "./reference/tiny_run.ts";

const normal = seededNormal(seededUniform(5));
const dir = await Deno.makeTempDir();
const write = async (name: string, data: Float32Array, names = ["a", "b"]) => {
  await Deno.writeTextFile(join(dir, name), formatSamplesCsv(names, data));
  return join(dir, name);
};
const same1 = await write("same1.csv", normalMatrix(1000, 2, normal));
const same2 = await write("same2.csv", normalMatrix(1000, 2, normal));
// Second column shifted by one standard deviation: OVL of two unit normals 1 apart is 2Φ(−1/2) = 0.617.
const shifted = await write("shifted.csv", normalMatrix(1000, 2, normal).map((v, i) => (i % 2 ? v + 1 : v)));

Deno.test("diagnose c2st: two sample sets of one distribution score 0.5 ± 0.06", async () => {
  const out = join(dir, "c2st.json");
  const { code, stderr } = await cli("diagnose", "c2st", "--a", same1, "--b", same2, "--out", out);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(await Deno.readTextFile(out));
  assert.deepEqual(result.parameters, ["a", "b"]);
  assert.ok(Math.abs(result.c2st - 0.5) < 0.06, `C2ST ${result.c2st}`);
});

Deno.test("diagnose overlap: unshifted marginal ≈ 1, shifted one ≈ 2Φ(−1/2) = 0.617 (±0.06)", async () => {
  const out = join(dir, "overlap.json");
  const { code, stderr } = await cli("diagnose", "overlap", "--a", same1, "--b", shifted, "--out", out);
  assert.equal(code, 0, stderr);
  const { pairs } = JSON.parse(await Deno.readTextFile(out));
  assert.ok(pairs[0].ovl > 0.9, `OVL a ${pairs[0].ovl}`);
  assert.ok(Math.abs(pairs[1].ovl - 0.617) < 0.06, `OVL b ${pairs[1].ovl}`);
});

Deno.test("diagnose: files with different parameters are a clear error and write nothing", async () => {
  const other = await write("other.csv", normalMatrix(100, 3, normal), ["a", "b", "c"]);
  const out = join(dir, "bad.json");
  const { code, stderr } = await cli("diagnose", "c2st", "--a", same1, "--b", other, "--out", out);
  assert.notEqual(code, 0);
  assert.match(stderr, /has 2 columns, .* has 3/);
  await assert.rejects(() => Deno.stat(out));
});

Deno.test("diagnose: an output path in a missing folder, or a folder, is refused before the comparison", async () => {
  for (
    const [out, message] of [
      [join(dir, "nofolder", "c2st.json"), /its folder .*nofolder does not exist/],
      [dir, /: it is a folder/],
    ] as const
  ) {
    const { code, stdout, stderr } = await cli("diagnose", "c2st", "--a", same1, "--b", same2, "--out", out);
    assert.equal(code, 1);
    assert.match(stderr, message);
    assert.equal(stdout, "", "no C2ST computed");
  }
  await assert.rejects(() => Deno.stat(join(dir, "nofolder")), Deno.errors.NotFound);
});

Deno.test("diagnose sbc, coverage, recovery: rerun a finished run's checks with their own budget", async () => {
  const run = join(dir, "run");
  await makeTinyRcRun(run);
  const sbcOut = join(dir, "sbc.json"), coverageOut = join(dir, "coverage.json"), recoveryOut = join(dir, "rec.json");
  for (
    const [check, out, budget] of [
      ["sbc", sbcOut, ["--pairs", "10", "--samples", "20"]],
      ["coverage", coverageOut, ["--pairs", "10", "--samples", "20"]],
      ["recovery", recoveryOut, ["--grid-points", "2", "--grid-samples", "30", "--predictive-sims", "2"]],
    ] as const
  ) {
    const { code, stderr } = await cli("diagnose", check, "--run", run, "--out", out, ...budget);
    assert.equal(code, 0, stderr);
  }
  const sbc = JSON.parse(await Deno.readTextFile(sbcOut));
  assert.deepEqual(sbc.parameters, ["amp1", "amp2", "latency"]);
  assert.equal(sbc.ranks.length, 10 * 3);
  assert.ok(sbc.ranks.every((r: number) => Number.isInteger(r) && r >= 0 && r <= 20));
  assert.ok(sbc.ks.every((k: { pValue: number }) => k.pValue >= 0 && k.pValue <= 1));
  const coverage = JSON.parse(await Deno.readTextFile(coverageOut));
  assert.equal(coverage.coverage[0], 0);
  assert.equal(coverage.coverage.at(-1), 1);
  assert.ok(coverage.coverage.every((c: number, i: number, all: number[]) => i === 0 || c >= all[i - 1]));
  const recovery = JSON.parse(await Deno.readTextFile(recoveryOut));
  assert.equal(recovery.grid_unit.length, 2 ** 3);
  assert.deepEqual(recovery.grid_unit[0], [0.25, 0.25, 0.25]);
  assert.ok(recovery.recovery_error.flat().every((e: number) => e >= 0 && e <= 1));
  assert.ok(recovery.predictive_rmse.every((e: number) => e > 0 && Number.isFinite(e)));
});

Deno.test("diagnose sbc: a folder that is not a run is a clear error", async () => {
  const { code, stderr } = await cli("diagnose", "sbc", "--run", dir, "--out", join(dir, "x.json"));
  assert.notEqual(code, 0);
  assert.match(stderr, /is not a run folder/);
});
