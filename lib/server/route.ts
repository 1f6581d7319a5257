/** What a route module in `routes/` receives, Fresh-style: a page is a default export (GET), an API or a form exports GET/POST. */
import type { Child } from "hono/jsx";
import type { DataWaveforms } from "./data_waveforms.ts";
import type { RunConditioner } from "./run_conditioner.ts";
import type { RunStore } from "./runs.ts";

export interface RouteContext {
  params: Record<string, string>;
  url: URL;
  request: Request;
  store: RunStore;
  /** Waveform files of the shared data that runs can be conditioned on. */
  data: DataWaveforms;
  conditioner: RunConditioner;
}

/** A page answers with JSX (rendered as HTML) or a Response of its own. */
export type Page = (ctx: RouteContext) => Child | Promise<Child> | Response | Promise<Response>;

export interface RouteModule {
  default?: Page;
  GET?: Page;
  POST?: Page;
}

/** Raised by pages for a missing resource; the app answers with the 404 page. */
export class NotFound extends Error {
  override name = "NotFound";
}

/** Raised for bad input; the app answers 400 with the reason. */
export class BadRequest extends Error {
  override name = "BadRequest";
}

/** Raised when too much conditioning work is queued; the app answers 503 with Retry-After. */
export class Busy extends Error {
  override name = "Busy";
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}
