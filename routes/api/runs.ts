import type { RouteContext } from "../../lib/server/route.ts";

/** JSON list of runs for scripts and the browser. */
export async function GET({ store }: RouteContext): Promise<Response> {
  const runs = await store.list();
  return Response.json(runs.map((r) => ({ name: r.name, model: r.experiment?.model, status: r.experiment?.status })));
}
