/**
 * Live progress of a running experiment as server-sent events: the runner appends JSON lines to the run's
 * `progress.jsonl`; each line that is a progress record becomes one `progress` event. The stream ends once
 * `experiment.json` says the run is no longer running — finished, failed or interrupted — (with a final `status`
 * event) or when the client goes away.
 */
import { withLiveStatus } from "../runs/folder.ts";
import { PROGRESS_FILE, runPath } from "../runs/paths.ts";
import { parseProgressLine } from "../runs/progress.ts";
import { readRecord } from "../runs/read.ts";
import { EXPERIMENT } from "../runs/records.ts";

const POLL_MS = 400;

async function statusOf(dir: string): Promise<string | undefined> {
  try {
    return (await withLiveStatus(dir, await readRecord(dir, EXPERIMENT)))?.status;
  } catch {
    return undefined;
  }
}

/** An SSE response over `dir`'s progress log; `signal` aborts when the client disconnects. */
export function progressStream(dir: string, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let offset = 0, pending = "";
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: string, data: string) =>
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${data}\n\n`));
      try {
        while (!signal.aborted) {
          const status = await statusOf(dir);
          let text = "";
          try {
            const bytes = await Deno.readFile(runPath(dir, PROGRESS_FILE));
            text = new TextDecoder().decode(bytes.subarray(offset));
            offset = bytes.length;
          } catch (error) {
            if (!(error instanceof Deno.errors.NotFound)) throw error;
          }
          const lines = (pending + text).split("\n");
          pending = lines.pop() ?? "";
          // A line that is no progress record (a newer version's, or a torn one) is left out.
          for (const line of lines) if (parseProgressLine(line)) send("progress", line.trim());
          if (status !== "running") {
            send("status", JSON.stringify({ status: status ?? "unknown" }));
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      } finally {
        controller.close();
      }
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" },
  });
}
