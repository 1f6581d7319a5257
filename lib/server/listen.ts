/** The report on a socket: the app, answering to the bound address, the loopback names and any allowed names. */
import { type AppOptions, createApp } from "./app.tsx";
import { servedHosts } from "./request_guard.ts";

export interface ListenOptions extends Omit<AppOptions, "served"> {
  host: string;
  /** 0: any free port. */
  port: number;
  /** Further names clients reach the report by. */
  allowHost?: string[];
  onListen?: (address: Deno.NetAddr) => void;
}

/** Listening on `host`:`port`; a one-line error when the address cannot be bound. */
export async function listen(runs: string, options: ListenOptions): Promise<Deno.HttpServer<Deno.NetAddr>> {
  const served = servedHosts(options.host, options.port, options.allowHost);
  const app = await createApp(runs, { ...options, served });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      { hostname: options.host, port: options.port, onListen: options.onListen ?? (() => {}) },
      app.fetch,
    );
  } catch (error) {
    throw new Error(`cannot listen on ${options.host} port ${options.port}: ${(error as Error).message}`);
  }
  // Port 0 takes a free port when binding; no request is handled before this line sets it.
  served.port = server.addr.port;
  return server;
}
