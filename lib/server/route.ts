/** What a route module in `routes/` receives, Fresh-style: a page is a default export, an API exports GET/POST. */
import type { Child } from "hono/jsx";
import type { RunStore } from "./runs.ts";

export interface RouteContext {
  params: Record<string, string>;
  url: URL;
  request: Request;
  store: RunStore;
}

export type Page = (ctx: RouteContext) => Child | Promise<Child> | Response | Promise<Response>;
export type ApiHandler = (ctx: RouteContext) => Response | Promise<Response>;

export interface RouteModule {
  default?: Page;
  GET?: ApiHandler;
  POST?: ApiHandler;
}

/** Raised by pages for a missing resource; the app answers with the 404 page. */
export class NotFound extends Error {
  override name = "NotFound";
}

/** Raised for bad input; the app answers 400 with the reason. */
export class BadRequest extends Error {
  override name = "BadRequest";
}
