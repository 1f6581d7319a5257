/** Deno's own module graph of the repository (`deno info --json`), for the tests that check how the code imports itself. */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Repository-relative path → the repository files it imports for their code, and for their types only. */
export type Graph = Map<string, { code: string[]; types: string[] }>;

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

export async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(REPO, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (/\.tsx?$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** The graph of every file under `dirs` and all they import, as `deno info` resolves it. */
export async function importGraph(dirs: string[]): Promise<Graph> {
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
