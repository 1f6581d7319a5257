/** The report on a real socket on 127.0.0.1 (any free port), as `serve` runs it, for tests of what clients send. */
import { listen, type ListenOptions } from "../../lib/server/listen.ts";

export interface LiveServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(
  runs: string,
  options: Omit<ListenOptions, "host" | "port"> = {},
): Promise<LiveServer> {
  const server = await listen(runs, { ...options, host: "127.0.0.1", port: 0 });
  const port = server.addr.port;
  return { origin: `http://127.0.0.1:${port}`, port, close: () => server.shutdown() };
}

/** One raw HTTP/1.1 request (any Host header, which fetch does not let a caller set); the status and the answer. */
export async function rawRequest(port: number, head: string): Promise<{ status: number; text: string }> {
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  await connection.write(new TextEncoder().encode(head.trim().replaceAll("\n", "\r\n") + "\r\n\r\n"));
  const text = await new Response(connection.readable).text();
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), text };
}

/** The text a `serve` process prints up to and including its URL (it prints the URL once it listens). */
export async function readUntilUrl(stdout: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/http:\/\/\S+\//.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  return text;
}
