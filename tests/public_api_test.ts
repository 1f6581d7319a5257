/**
 * mod.ts is the public API: the benchmarks reach the library through it alone (checked in Deno's module graph,
 * `deno info --json`), and every name a CLI command imports from lib/ is exported by it, except the CLI's own
 * plumbing listed in CLI_ONLY.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = fileURLToPath(new URL("../", import.meta.url));

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
  const tmp = await Deno.makeTempDir();
  try {
    const entry = join(tmp, "bench.ts");
    await Deno.writeTextFile(entry, bench.map((f) => `import "${pathToFileURL(join(REPO, f)).href}";\n`).join(""));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(REPO, "deno.json"), entry],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    type Module = {
      specifier: string;
      dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
    };
    const modules = (JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: Module[] }).modules;
    const repoPath = (url?: string) => url?.startsWith("file:") ? relative(REPO, fileURLToPath(url)) : undefined;
    const wrong: string[] = [];
    const seen = new Set<string>();
    for (const m of modules) {
      const path = repoPath(m.specifier);
      if (!path?.startsWith("bench/")) continue;
      seen.add(path);
      for (const d of m.dependencies ?? []) {
        for (const dep of [repoPath(d.code?.specifier), repoPath(d.type?.specifier)]) {
          if (dep && !dep.startsWith("bench/") && dep !== "mod.ts") wrong.push(`${path} -> ${dep}`);
        }
      }
    }
    assert.deepEqual(bench.filter((f) => !seen.has(f)), []);
    assert.deepEqual([...new Set(wrong)], []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
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
