import { figureParts, loadRunReport, runFigures } from "../../../../lib/plots/run_figures.ts";
import { NotFound } from "../../../../lib/server/errors.ts";
import type { RouteContext } from "../../../../lib/server/route.ts";

/** One figure of the run as an SVG file (`?bounds=prior` for pair plots on the prior's bounds). */
export async function GET({ params, url, store }: RouteContext): Promise<Response> {
  const name = params.figure.replace(/\.svg$/, "");
  const bounds = url.searchParams.get("bounds") === "prior" ? "prior" : "samples";
  if (!params.figure.endsWith(".svg")) throw new NotFound(`run ${params.run} has no figure ${params.figure}`);
  // Only the files this figure is drawn from are read: a bad file elsewhere in the run does not stop its download.
  const parts = figureParts(name, await store.observationIds(params.run));
  const figure = runFigures(await loadRunReport(store, params.run, parts), bounds).find((f) => f.name === name);
  if (!figure) {
    throw new NotFound(`run ${params.run} has no figure ${params.figure}`);
  }
  return new Response(figure.render(), {
    headers: {
      "content-type": "image/svg+xml; charset=utf-8",
      "content-disposition": `attachment; filename="${params.run}-${name}.svg"`,
    },
  });
}
