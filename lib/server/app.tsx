/** The diagnostics report: a Hono app over file-based routes and one runs folder. */
import { Hono } from "hono";
import { discoverRoutes, notFoundPage } from "./router.ts";
import { BadRequest, NotFound, type RouteContext } from "./route.ts";
import { RunNotFound, RunStore } from "./runs.ts";

export async function createApp(runsDir: string): Promise<Hono> {
  const store = new RunStore(runsDir);
  const app = new Hono({ strict: false });
  const notFound = (await notFoundPage()).default!;
  const context = (request: Request, params: Record<string, string>): RouteContext => ({
    params,
    request,
    url: new URL(request.url),
    store,
  });
  const render404 = async (request: Request, message: string) =>
    new Response(
      "<!doctype html>" + String(await notFound({ ...context(request, {}), params: { message } })),
      { status: 404, headers: { "content-type": "text/html; charset=utf-8" } },
    );

  for (const { pattern, module } of await discoverRoutes()) {
    for (const method of ["GET", "POST"] as const) {
      const handler = module[method] ?? (method === "GET" ? module.default : undefined);
      if (!handler) continue;
      app.on(method, pattern, async (c) => {
        try {
          const out = await handler(context(c.req.raw, c.req.param() as Record<string, string>));
          if (out instanceof Response) return out;
          return c.html("<!doctype html>" + String(out));
        } catch (error) {
          if (error instanceof NotFound || error instanceof RunNotFound) return render404(c.req.raw, error.message);
          if (error instanceof BadRequest) return c.json({ error: error.message }, 400);
          console.error(error);
          return c.json({ error: "internal error" }, 500);
        }
      });
    }
  }
  app.notFound((c) => render404(c.req.raw, `nothing at ${new URL(c.req.url).pathname}`));
  return app;
}
