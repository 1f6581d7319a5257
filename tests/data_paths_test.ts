/** The data folder: the repository's own data/ by default, NEUROSBI_DATA when set; gzip-transparent reading. */
import assert from "node:assert/strict";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readMaybeGzip, readTextMaybeGzip } from "../lib/data/gzip.ts";
import { DATA_ENV, dataPath, dataRoot } from "../lib/data/paths.ts";
import { loadObservation } from "../lib/sbibm/reference.ts";
import { DataWaveforms } from "../lib/server/data_waveforms.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));

/** Run `fn` with NEUROSBI_DATA set to `value` (unset: undefined), restoring the previous setting after. */
async function withDataEnv(value: string | undefined, fn: () => Promise<void>): Promise<void> {
  const before = Deno.env.get(DATA_ENV);
  if (value === undefined) Deno.env.delete(DATA_ENV);
  else Deno.env.set(DATA_ENV, value);
  try {
    await fn();
  } finally {
    if (before === undefined) Deno.env.delete(DATA_ENV);
    else Deno.env.set(DATA_ENV, before);
  }
}

Deno.test("data: without NEUROSBI_DATA the repository's data/ holds fixtures, MEG and sbibm files", async () => {
  await withDataEnv(undefined, async () => {
    assert.equal(dataRoot(), join(REPO, "data/"));
    for (const dir of ["fixtures/hnn/hnncore", "meg/beta", "sbibm/two_moons/num_observation_10"]) {
      assert.ok((await Deno.stat(dataPath(...dir.split("/")))).isDirectory, dir);
    }
    const x = await loadObservation("two_moons", 1);
    assert.deepEqual(Array.from(x), [Math.fround(-0.6396706), Math.fround(0.16234657)]);
  });
});

Deno.test("data: NEUROSBI_DATA (relative to the working directory) moves every reader to another folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "meg"));
    await Deno.writeTextFile(join(dir, "meg", "mine.txt"), "0 1\n1 2\n2 4\n");
    await Deno.mkdir(join(dir, "sbibm", "two_moons", "num_observation_3"), { recursive: true });
    await Deno.writeTextFile(join(dir, "sbibm", "two_moons", "num_observation_3", "observation.csv"), "a,b\n0.25,-4\n");
    await withDataEnv(relative(Deno.cwd(), dir), async () => {
      assert.equal(dataRoot(), resolve(dir));
      assert.equal(dataPath("sbibm", "TASKS.md"), join(dir, "sbibm", "TASKS.md"));
      assert.deepEqual((await new DataWaveforms().list()).map((w) => w.name), ["mine.txt"]);
      assert.deepEqual(Array.from(await loadObservation("two_moons", 3)), [0.25, -4]);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data: .gz files are read decompressed, others as they are; a broken .gz names the file", async () => {
  // hnn-core's regression dipole: t, agg, L2, L5 at 4 decimals over 170 ms in 0.025 ms steps.
  const rows = (await readTextMaybeGzip(dataPath("fixtures", "hnn", "hnncore", "dpl.txt.gz"))).trim().split("\n");
  assert.equal(rows.length, 170 / 0.025 + 1);
  for (const row of rows) {
    const [, agg, l2, l5] = row.trim().split(/\s+/).map(Number);
    assert.ok(Math.abs(agg - l2 - l5) <= 1.0001e-4, row);
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "plain.txt"), "as is");
    assert.equal(new TextDecoder().decode(await readMaybeGzip(join(dir, "plain.txt"))), "as is");
    await Deno.writeTextFile(join(dir, "broken.gz"), "not gzip");
    await assert.rejects(readMaybeGzip(join(dir, "broken.gz")), /broken\.gz: not a readable gzip file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data: no source, test, script or doc names a path outside the repository", async () => {
  const outside = /\.\.\/shared|"\/[a-z]+\/shared|\/work\//;
  const offenders: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(join(REPO, dir))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (/\.(ts|tsx|wgsl|sh|json|md)$/.test(entry.name) || entry.name === "run") {
        const text = await Deno.readTextFile(join(REPO, path));
        text.split("\n").forEach((line, i) => outside.test(line) && offenders.push(`${path}:${i + 1}: ${line.trim()}`));
      }
    }
  };
  for (const dir of ["lib", "routes", "bench", "tests", "kernels", "docs", ".ci"]) await walk(dir);
  for (const file of ["mod.ts", "deno.json", "package.json", "README.md"]) {
    const text = await Deno.readTextFile(join(REPO, file));
    text.split("\n").forEach((line, i) => outside.test(line) && offenders.push(`${file}:${i + 1}: ${line.trim()}`));
  }
  assert.deepEqual(offenders, []);
});
