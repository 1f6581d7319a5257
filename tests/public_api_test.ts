/**
 * mod.ts is the public API: the benchmarks reach the library through it alone (checked in Deno's module graph,
 * `deno info --json`), and every name a CLI command imports from lib/ is exported by it, except the CLI's own
 * plumbing listed in CLI_ONLY.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { importGraph, REPO } from "./reference/import_graph.ts";

/**
 * Names the CLI imports from lib/ that only serve its command lines: argument and folder checks, messages, run-folder
 * bookkeeping that runExperiment and conditionRun do for code callers.
 */
const CLI_ONLY = new Set([
  "assertTrainableManifest",
  "assertWritableDir",
  "assertWritableFile",
  "checkExperimentFolder",
  "checkHostName",
  "clearCheckpoint",
  "Context",
  "EXPERIMENT_FILE",
  "experimentDataset",
  "experimentSettings",
  "formatBytes",
  "formatDuration",
  "isCompleteRunOf",
  "isNewOrEmpty",
  "LOCK_FILE",
  "MANIFEST",
  "measureSecondsPerNetwork",
  "MODEL_CHOICES",
  "recordSubmittedExperiment",
  "replayLoaded",
  "requireClusterState",
  "rowSeeds",
  "shellQuote",
  "sizeBudget",
  "softwareNotice",
]);

async function tsFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(REPO, dir))) {
    if (entry.isFile && /\.tsx?$/.test(entry.name)) files.push(`${dir}/${entry.name}`);
  }
  return files.sort();
}

/** `export { a, b as c }` and `export * as ns from "m"` of mod.ts: the names it exports, and the modules it exports whole. */
function modExports(source: string): { names: Set<string>; whole: Set<string> } {
  const names = new Set<string>();
  for (const m of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const item of m[1].split(",").map((s) => s.trim().replace(/^type /, "")).filter(Boolean)) {
      names.add(item.split(" as ").at(-1)!);
    }
  }
  const whole = new Set([...source.matchAll(/export \* as \w+ from "\.\/(lib\/[^"]+)"/g)].map((m) => m[1]));
  return { names, whole };
}

Deno.test("public API: the benchmarks import the library through mod.ts only", async () => {
  const bench = await tsFiles("bench");
  const graph = await importGraph(["bench"]);
  const wrong = bench.flatMap((path) => {
    const node = graph.get(path)!;
    return [...node.code, ...node.types]
      .filter((dep) => !dep.startsWith("bench/") && dep !== "mod.ts")
      .map((dep) => `${path} -> ${dep}`);
  });
  assert.deepEqual([...new Set(wrong)], []);
});

Deno.test("public API: every name a CLI command imports from lib/ is exported by mod.ts, or is CLI plumbing", async () => {
  const { names, whole } = modExports(await Deno.readTextFile(join(REPO, "mod.ts")));
  const missing: string[] = [];
  for (const file of await tsFiles("lib/cli")) {
    const source = await Deno.readTextFile(join(REPO, file));
    for (const m of source.matchAll(/import (?:type )?\{([^}]*)\} from "\.\.\/([^"]+)"/g)) {
      if (whole.has(`lib/${m[2]}`)) continue;
      for (const item of m[1].split(",").map((s) => s.trim().replace(/^type /, "")).filter(Boolean)) {
        const name = item.split(" as ")[0];
        if (!names.has(name) && !CLI_ONLY.has(name)) missing.push(`${file}: ${name} (lib/${m[2]})`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

Deno.test("public API: CLI_ONLY names only what the CLI imports and mod.ts leaves out", async () => {
  const { names } = modExports(await Deno.readTextFile(join(REPO, "mod.ts")));
  const imported = new Set<string>();
  for (const file of await tsFiles("lib/cli")) {
    const source = await Deno.readTextFile(join(REPO, file));
    for (const m of source.matchAll(/import (?:type )?\{([^}]*)\} from "\.\.\/[^"]+"/g)) {
      for (const item of m[1].split(",").map((s) => s.trim().replace(/^type /, "")).filter(Boolean)) {
        imported.add(item.split(" as ")[0]);
      }
    }
  }
  assert.deepEqual([...CLI_ONLY].filter((name) => !imported.has(name) || names.has(name)), []);
});
