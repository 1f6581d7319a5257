/** `serve`: the diagnostics report over a runs folder, on 127.0.0.1 unless told otherwise. */
import { createApp } from "../server/app.tsx";

export async function serveCommand(args: { runs: string; port: number; host: string; data?: string }): Promise<void> {
  try {
    if (!(await Deno.stat(args.runs)).isDirectory) throw new Error("not a folder");
  } catch (error) {
    throw new Error(`cannot serve runs from ${args.runs}: ${(error as Error).message}`);
  }
  const app = await createApp(args.runs, { dataDir: args.data });
  const server = Deno.serve({
    hostname: args.host,
    port: args.port,
    onListen: ({ hostname, port }) =>
      console.log(`neurosbi report: http://${hostname}:${port}/ (runs from ${args.runs})`),
  }, app.fetch);
  await server.finished;
}
