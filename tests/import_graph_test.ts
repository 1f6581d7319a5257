/**
 * How lib/hnn and lib/models import each other, read from Deno's own module graph (`deno info --json`): lib/hnn's
 * stages depend only on earlier ones (docs/hnn-spec.md, "Where the code is"), lib/models depends on lib/hnn and never
 * the reverse, no import circle joins their files, and the spec's types module imports no code.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = fileURLToPath(new URL("../", import.meta.url));
/** lib/hnn's stage folders, in the order a spec passes through them. */
const STAGES = ["spec", "cells", "network", "lowering", "gpu", "output", "reference"];

/** Repository-relative path → the repository files it imports for their code, and for their types only. */
type Graph = Map<string, { code: string[]; types: string[] }>;

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(REPO, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** The graph of every file under `dirs` and all they import, as `deno info` resolves it. */
async function importGraph(dirs: string[]): Promise<Graph> {
  const files = (await Promise.all(dirs.map(sourceFiles))).flat();
  const tmp = await Deno.makeTempDir();
  try {
    const entry = join(tmp, "all.ts");
    await Deno.writeTextFile(entry, files.map((f) => `import "${pathToFileURL(join(REPO, f)).href}";\n`).join(""));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(REPO, "deno.json"), entry],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const modules = (JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] }).modules;
    const inRepo = (url: string | undefined) =>
      url?.startsWith("file:") && !relative(REPO, fileURLToPath(url)).startsWith("..")
        ? relative(REPO, fileURLToPath(url))
        : undefined;
    const graph: Graph = new Map();
    for (const m of modules) {
      const path = inRepo(m.specifier);
      if (!path) continue;
      const deps = m.dependencies ?? [];
      graph.set(path, {
        code: deps.map((d) => inRepo(d.code?.specifier)).filter((p) => p !== undefined),
        types: deps.map((d) => inRepo(d.type?.specifier)).filter((p) => p !== undefined),
      });
    }
    for (const f of files) assert.ok(graph.has(f), `deno info did not list ${f}`);
    return graph;
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

const graph = await importGraph(["lib/hnn", "lib/models"]);
function imports(path: string): string[] {
  const node = graph.get(path);
  assert.ok(node, `${path} is not in the module graph`);
  return [...node.code, ...node.types];
}

/** A file's stage: its folder's index in STAGES; files directly in lib/hnn come after every stage. */
function stage(path: string): number | undefined {
  if (!path.startsWith("lib/hnn/")) return undefined;
  const parts = path.slice("lib/hnn/".length).split("/");
  if (parts.length === 1) return STAGES.length;
  const index = STAGES.indexOf(parts[0]);
  assert.ok(index >= 0, `${path}: lib/hnn/${parts[0]}/ is not a stage (${STAGES.join(", ")})`);
  return index;
}

Deno.test("import graph: every lib/hnn file imports only its own stage, earlier stages and code outside lib/hnn", () => {
  const wrong: string[] = [];
  for (const [path] of graph) {
    const own = stage(path);
    if (own === undefined) continue;
    for (const dep of imports(path)) {
      const theirs = stage(dep);
      if (theirs !== undefined && theirs > own) wrong.push(`${path} -> ${dep}`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("import graph: lib/models depends on lib/hnn, and nothing in lib/hnn reaches lib/models or lib/experiments", () => {
  assert.ok(imports("lib/models/hnn.ts").some((dep) => dep.startsWith("lib/hnn/")));
  const reached = new Set<string>();
  const visit = (path: string) => {
    for (const dep of imports(path)) {
      if (reached.has(dep)) continue;
      reached.add(dep);
      visit(dep);
    }
  };
  for (const path of graph.keys()) if (path.startsWith("lib/hnn/")) visit(path);
  assert.deepEqual([...reached].filter((p) => p.startsWith("lib/models/") || p.startsWith("lib/experiments/")), []);
});

Deno.test("import graph: no import circle among the files of lib/hnn and lib/models", () => {
  const files = [...graph.keys()].filter((p) => p.startsWith("lib/hnn/") || p.startsWith("lib/models/"));
  const state = new Map<string, "open" | "done">();
  const circles: string[] = [];
  const visit = (path: string, trail: string[]) => {
    state.set(path, "open");
    for (const dep of imports(path).filter((d) => files.includes(d))) {
      const open = [...trail, path];
      if (state.get(dep) === "open") circles.push([...open.slice(open.indexOf(dep)), dep].join(" -> "));
      else if (!state.has(dep)) visit(dep, open);
    }
    state.set(path, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f, []);
  assert.deepEqual(circles, []);
});

Deno.test("import graph: lib/hnn/spec/types.ts imports types only", () => {
  const types = graph.get("lib/hnn/spec/types.ts");
  assert.ok(types, "lib/hnn/spec/types.ts is not in the module graph");
  assert.deepEqual(types.code, []);
});
