/** `serve`: the diagnostics report over a runs folder, on 127.0.0.1 unless told otherwise. */
import { createApp } from "../server/app.tsx";
import { servedHosts } from "../server/request_guard.ts";

export async function serveCommand(
  args: { runs: string; port: number; host: string; allowHost: string[]; data?: string },
): Promise<void> {
  try {
    if (!(await Deno.stat(args.runs)).isDirectory) throw new Error("not a folder");
  } catch (error) {
    throw new Error(`cannot serve runs from ${args.runs}: ${(error as Error).message}`);
  }
  const served = servedHosts(args.host, args.port, args.allowHost);
  const app = await createApp(args.runs, { dataDir: args.data, served });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: args.host,
      port: args.port,
      onListen: ({ hostname, port }) => {
        const shown = hostname.includes(":") ? `[${hostname}]` : hostname;
        console.log(`neurosbi report: http://${shown}:${port}/ (runs from ${args.runs})`);
      },
    }, app.fetch);
  } catch (error) {
    throw new Error(`cannot listen on ${args.host} port ${args.port}: ${(error as Error).message}`);
  }
  // Port 0 takes a free port when binding; no request is handled before this line sets it.
  served.port = server.addr.port;
  await server.finished;
}
