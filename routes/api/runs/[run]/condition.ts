import { pairPlotCells, predictivePlot } from "../../../../lib/plots/posterior.ts";
import { conditionRequest } from "../../../../lib/server/condition_request.ts";
import type { RouteContext } from "../../../../lib/server/route.ts";

/**
 * Condition a run's posterior on a waveform (text/csv body, or a form as the condition page sends it): JSON with
 * the samples, the predictive bands and both plots as SVG (the pair plot's cells row-major, "" above the diagonal).
 */
export async function POST(ctx: RouteContext): Promise<Response> {
  const { result, prior } = await conditionRequest(ctx);
  return Response.json({
    run: ctx.params.run,
    parameters: prior.map((p) => p.name),
    ...result,
    plots: {
      pair: pairPlotCells(prior, result.samples),
      predictive: predictivePlot(result.predictive, result.x),
    },
  });
}
