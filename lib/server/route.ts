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
