/**
 * File-based routes as Fresh lays them out: `routes/index.tsx` → `/`, `routes/runs/[run]/index.tsx` →
 * `/runs/:run`, `routes/api/runs/[run]/condition.ts` → `/api/runs/:run/condition`. Files starting with `_` are
 * special (`_error.tsx`) and not routes.
 */
import { join, relative } from "node:path";
import { fromFileUrl, toFileUrl } from "./paths.ts";
import type { RouteModule } from "./route.ts";

export interface Route {
  pattern: string;
  file: string;
  module: RouteModule;
}

export const ROUTES_DIR = new URL("../../routes/", import.meta.url);

/** The Hono path pattern of a route file relative to `routes/`. */
export function patternOf(relativePath: string): string {
  const parts = relativePath.replace(/\.(tsx|ts)$/, "").split("/");
  if (parts.at(-1) === "index") parts.pop();
  return "/" + parts.map((p) => p.replace(/^\[(\w+)\]$/, ":$1")).join("/");
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (/\.(tsx|ts)$/.test(entry.name) && !entry.name.startsWith("_")) yield path;
  }
}

/** Every route under `routes/`, static segments before dynamic ones so `/runs/new` beats `/runs/:run`. */
export async function discoverRoutes(dir: URL = ROUTES_DIR): Promise<Route[]> {
  const root = fromFileUrl(dir);
  const routes: Route[] = [];
  for await (const file of walk(root)) {
    const pattern = patternOf(relative(root, file).split("\\").join("/"));
    routes.push({ pattern, file, module: await import(toFileUrl(file).href) });
  }
  return routes.sort((a, b) =>
    a.pattern.split(":").length - b.pattern.split(":").length || a.pattern.localeCompare(b.pattern)
  );
}

/** The special `_error.tsx` page module (404 and 400 pages). */
export async function errorPage(dir: URL = ROUTES_DIR): Promise<RouteModule> {
  return await import(new URL("_error.tsx", dir).href);
}
