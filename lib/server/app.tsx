/** The diagnostics report: a Hono app over file-based routes and one runs folder. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { MAX_UPLOAD_BYTES } from "./condition_request.ts";
import { DataWaveforms } from "./data_waveforms.ts";
import { requestGuard, type ServedHosts } from "./request_guard.ts";
import { discoverRoutes, errorPage } from "./router.ts";
import { BadRun } from "../runs/read.ts";
import { BadRequest, Busy, NotFound, RunNotFound } from "./errors.ts";
import type { RouteContext } from "./route.ts";
import { RunConditioner } from "./run_conditioner.ts";
import { RunStore } from "./runs.ts";

export interface AppOptions {
  /** Folder of waveform files the condition page offers (default: the data folder's meg/, lib/data/paths.ts). */
  dataDir?: string;
  /** Conditioning service; the app makes its own when not given (tests pass one to dispose of it). */
  conditioner?: RunConditioner;
  /** The host names and port the report answers to (`serve` sets them); without them any Host is answered. */
  served?: ServedHosts;
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  500: "Internal error",
  503: "Busy",
};

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
  const renderError = async (
    request: Request,
    status: keyof typeof TITLES,
    message: string,
    { title = TITLES[status], headers = {} }: { title?: string; headers?: Record<string, string> } = {},
  ) => {
    if (new URL(request.url).pathname.startsWith("/api/")) {
      return Response.json({ error: message }, { status, headers });
    }
    const page = await errorView({ ...context(request, {}), params: { title, message } });
    return new Response("<!doctype html>" + String(page), {
      status,
      headers: { ...headers, "content-type": "text/html; charset=utf-8" },
    });
  };

  app.use("*", requestGuard(options.served, (request, message) => renderError(request, 403, message)));
  app.use(
    "*",
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        renderError(c.req.raw, 405, `${c.req.method} is not served at ${c.req.path}: use ${methods.join(" or ")}`, {
          headers: { allow: methods.join(", ") },
        }),
    }),
  );
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
    // The client went away (its work stopped at the next step): nobody reads the answer.
    if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
    if (error instanceof NotFound || error instanceof RunNotFound) return renderError(c.req.raw, 404, error.message);
    if (error instanceof BadRequest) return renderError(c.req.raw, 400, error.message);
    if (error instanceof BadRun) return renderError(c.req.raw, 500, error.message, { title: "Bad run" });
    if (error instanceof Busy) {
      return renderError(c.req.raw, 503, error.message, {
        headers: { "retry-after": String(error.retryAfterSeconds) },
      });
    }
    if (error instanceof HTTPException) return error.getResponse();
    console.error(error);
    return renderError(c.req.raw, 500, "the report failed on this request; the server's log has the details");
  });
  app.notFound((c) => renderError(c.req.raw, 404, `nothing at ${new URL(c.req.url).pathname}`));
  return app;
}
