/** The diagnostics report: a Hono app over file-based routes and one runs folder. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { MAX_UPLOAD_BYTES } from "./condition_request.ts";
import { DataWaveforms } from "./data_waveforms.ts";
import { discoverRoutes, errorPage } from "./router.ts";
import { BadRequest, NotFound, type RouteContext } from "./route.ts";
import { RunConditioner } from "./run_conditioner.ts";
import { RunNotFound, RunStore } from "./runs.ts";

export interface AppOptions {
  /** Folder of waveform files the condition page offers (default: the data folder's meg/, lib/data/paths.ts). */
  dataDir?: string;
  /** Conditioning service; the app makes its own when not given (tests pass one to dispose of it). */
  conditioner?: RunConditioner;
}

export async function createApp(runsDir: string, options: AppOptions = {}): Promise<Hono> {
  const store = new RunStore(runsDir);
  const data = new DataWaveforms(options.dataDir);
  const conditioner = options.conditioner ?? new RunConditioner();
  const app = new Hono({ strict: false });
  const errorView = (await errorPage()).default!;
  const context = (request: Request, params: Record<string, string>): RouteContext => ({
    params,
    request,
    url: new URL(request.url),
    store,
    data,
    conditioner,
  });
  // Scripts get JSON errors; browsers get the error page with the reason.
  const renderError = async (request: Request, status: 400 | 404, message: string) => {
    if (new URL(request.url).pathname.startsWith("/api/")) return Response.json({ error: message }, { status });
    const title = status === 404 ? "Not found" : "Bad request";
    const page = await errorView({ ...context(request, {}), params: { title, message } });
    return new Response("<!doctype html>" + String(page), {
      status,
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  };

  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_UPLOAD_BYTES,
      onError: (c) =>
        renderError(c.req.raw, 400, `the upload is larger than ${MAX_UPLOAD_BYTES / 2 ** 20} MiB: send one waveform`),
    }),
  );
  for (const { pattern, module } of await discoverRoutes()) {
    for (const method of ["GET", "POST"] as const) {
      const handler = module[method] ?? (method === "GET" ? module.default : undefined);
      if (!handler) continue;
      app.on(method, pattern, async (c) => {
        const out = await handler(context(c.req.raw, c.req.param() as Record<string, string>));
        return out instanceof Response ? out : c.html("<!doctype html>" + String(out));
      });
    }
  }
  app.onError((error, c) => {
    if (error instanceof NotFound || error instanceof RunNotFound) return renderError(c.req.raw, 404, error.message);
    if (error instanceof BadRequest) return renderError(c.req.raw, 400, error.message);
    console.error(error);
    return c.json({ error: "internal error" }, 500);
  });
  app.notFound((c) => renderError(c.req.raw, 404, `nothing at ${new URL(c.req.url).pathname}`));
  return app;
}
