import type { RouteContext } from "../../lib/server/route.ts";

/** JSON list of runs for scripts and the browser; a bad run has status "bad" and the reason. */
export async function GET({ store }: RouteContext): Promise<Response> {
  const runs = await store.list();
  return Response.json(
    runs.map((r) =>
      r.problem
        ? { name: r.name, status: "bad", problem: r.problem }
        : { name: r.name, model: r.experiment?.model, status: r.experiment?.status }
    ),
  );
}
