/**
 * How lib/ imports itself, read from Deno's own module graph (`deno info --json`): no import circle joins any of its
 * files, its layers point one way (docs/ARCHITECTURE.md), lib/hnn's stages depend only on earlier ones
 * (docs/hnn-spec.md, "Where the code is"), lib/models depends on lib/hnn and never the reverse, and the spec's types
 * module imports no code.
 */
import assert from "node:assert/strict";
import { importGraph } from "./reference/import_graph.ts";
/** lib/hnn's stage folders, in the order a spec passes through them. */
const STAGES = ["spec", "cells", "network", "lowering", "gpu", "output", "reference"];

const graph = await importGraph(["lib"]);
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

/** The import circles among `files`, each as the trail of imports that closes it. */
function circles(files: string[]): string[] {
  const state = new Map<string, "open" | "done">();
  const found: string[] = [];
  const visit = (path: string, trail: string[]) => {
    state.set(path, "open");
    for (const dep of imports(path).filter((d) => files.includes(d))) {
      const open = [...trail, path];
      if (state.get(dep) === "open") found.push([...open.slice(open.indexOf(dep)), dep].join(" -> "));
      else if (!state.has(dep)) visit(dep, open);
    }
    state.set(path, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f, []);
  return found;
}

Deno.test("import graph: no import circle among the files of lib/", () => {
  assert.deepEqual(circles([...graph.keys()].filter((p) => p.startsWith("lib/"))), []);
});

/** The folders (or top-level files) of lib/ that `path` belongs to: lib/hnn/gpu/cells.ts → lib/hnn. */
function area(path: string): string {
  return path.split("/").slice(0, 2).join("/");
}

/**
 * The one-way layers of lib/: each area on the left imports nothing from those on the right. Simulation, data,
 * statistics, priors, flows, training and posteriors know nothing of experiments, run folders, reports or commands;
 * the report server knows nothing of the CLI, and plots nothing of the server.
 */
const UPPER = [
  "lib/experiments",
  "lib/fit",
  "lib/runs",
  "lib/plots",
  "lib/server",
  "lib/cli",
  "lib/cluster",
  "lib/pack",
];
const FORBIDDEN: [string[], string[]][] = [
  [["lib/gpu"], ["lib/"]],
  [["lib/random.ts", "lib/format.ts", "lib/shell.ts"], ["lib/"]],
  [[
    "lib/prior",
    "lib/data",
    "lib/stats",
    "lib/hnn",
    "lib/models",
    "lib/events",
    "lib/flows",
    "lib/train",
    "lib/tf",
    "lib/posterior",
    "lib/diagnostics",
    "lib/sbibm",
  ], UPPER],
  [["lib/experiments", "lib/fit", "lib/runs", "lib/plots", "lib/cluster", "lib/pack"], ["lib/server", "lib/cli"]],
  [["lib/server"], ["lib/cli"]],
];

Deno.test("import graph: lib's layers point one way", () => {
  const wrong: string[] = [];
  for (const [path] of graph) {
    if (!path.startsWith("lib/")) continue;
    const rule = FORBIDDEN.find(([areas]) => areas.includes(area(path)));
    if (!rule) continue;
    for (const dep of imports(path)) {
      if (area(dep) !== area(path) && rule[1].some((f) => dep === f || dep.startsWith(f.endsWith("/") ? f : `${f}/`))) {
        wrong.push(`${path} -> ${dep}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("import graph: every folder of lib/ has its place in the layers", () => {
  const placed = new Set(FORBIDDEN.flatMap(([areas]) => areas));
  const areas = new Set([...graph.keys()].filter((p) => p.startsWith("lib/")).map(area));
  assert.deepEqual([...areas].filter((a) => !placed.has(a) && a !== "lib/cli").sort(), []);
});

Deno.test("import graph: lib/hnn/spec/types.ts imports types only", () => {
  const types = graph.get("lib/hnn/spec/types.ts");
  assert.ok(types, "lib/hnn/spec/types.ts is not in the module graph");
  assert.deepEqual(types.code, []);
});
