/** README.md's layout table names every folder of lib/ and of the repository's top level that holds the project. */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const TOP_LEVEL = ["kernels/", "routes/", "bench/", "tests/", "data/", "experiments/", "docs/"];

/** The paths written in backticks in the first column of the table under README.md's "## Layout". */
function layoutEntries(readme: string): string[] {
  const section = readme.split(/^## Layout$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README.md has no "## Layout" section');
  return section.split("\n")
    .filter((line) => line.startsWith("|"))
    .flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

Deno.test("README layout: lists every folder of lib/ and the top-level folders, each once", async () => {
  const entries = layoutEntries(await Deno.readTextFile(`${REPO}README.md`));
  const libFolders: string[] = [];
  for await (const entry of Deno.readDir(`${REPO}lib`)) if (entry.isDirectory) libFolders.push(`lib/${entry.name}/`);
  const expected = [...libFolders, ...TOP_LEVEL];
  assert.deepEqual(expected.filter((folder) => !entries.includes(folder)).sort(), []);
  assert.deepEqual(entries.filter((entry, i) => entries.indexOf(entry) !== i), []);
});

Deno.test("README layout: every path it names exists", async () => {
  const entries = layoutEntries(await Deno.readTextFile(`${REPO}README.md`));
  const missing: string[] = [];
  for (const entry of entries) {
    try {
      const stat = await Deno.stat(`${REPO}${entry}`);
      if (stat.isDirectory !== entry.endsWith("/")) missing.push(entry);
    } catch {
      missing.push(entry);
    }
  }
  assert.deepEqual(missing, []);
});
