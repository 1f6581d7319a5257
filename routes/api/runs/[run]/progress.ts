import { progressStream } from "../../../../lib/server/progress.ts";
import type { RouteContext } from "../../../../lib/server/route.ts";

/** Server-sent events of a run's progress (see lib/server/progress.ts). */
export async function GET({ params, store, request }: RouteContext): Promise<Response> {
  return progressStream(await store.dir(params.run), request.signal);
}
