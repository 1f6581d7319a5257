import { samplesCsv } from "../../../../lib/plots/run_figures.ts";
import { readObservation } from "../../../../lib/server/observations.ts";
import { NotFound } from "../../../../lib/server/errors.ts";
import type { RouteContext } from "../../../../lib/server/route.ts";

/** An observation's posterior samples as a CSV file, one column per parameter in the prior's units. */
export async function GET({ params, store }: RouteContext): Promise<Response> {
  const id = params.observation.replace(/\.csv$/, "");
  if (!params.observation.endsWith(".csv")) throw new NotFound(`no samples file ${params.observation}`);
  const { observation, prior } = await readObservation(store, params.run, id);
  if (!observation || !prior) throw new NotFound(`run ${params.run} has no posterior samples for ${id}`);
  return new Response(samplesCsv(prior, observation.samples), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${params.run}-${id}-samples.csv"`,
    },
  });
}
