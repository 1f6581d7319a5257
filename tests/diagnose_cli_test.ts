import assert from "node:assert/strict";
import { join } from "node:path";
import { formatSamplesCsv } from "../lib/posterior/csv.ts";
import { seededUniform } from "../lib/random.ts";
import { normalMatrix, seededNormal } from "../lib/stats/normal.ts";
import { cli } from "./reference/cli.ts";

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
