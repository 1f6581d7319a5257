/** `serve`: the diagnostics report over a runs folder, on 127.0.0.1 unless told otherwise. */
import { listen } from "../server/listen.ts";

export async function serveCommand(
  args: { runs: string; port: number; host: string; allowHost?: string[]; data?: string },
): Promise<void> {
  try {
    if (!(await Deno.stat(args.runs)).isDirectory) throw new Error("not a folder");
  } catch (error) {
    throw new Error(`cannot serve runs from ${args.runs}: ${(error as Error).message}`);
  }
  const server = await listen(args.runs, {
    host: args.host,
    port: args.port,
    allowHost: args.allowHost,
    dataDir: args.data,
    onListen: ({ hostname, port }) => {
      const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
      console.log(`neurosbi report: http://${shown}:${port}/ (runs from ${args.runs})`);
    },
  });
  await server.finished;
}
