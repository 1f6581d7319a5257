/** Reading files that may be gzip-compressed: a name ending in `.gz` is decompressed on the way in. */

/** The file's bytes, gunzipped when its name ends in `.gz`. */
export async function readMaybeGzip(path: string | URL): Promise<Uint8Array> {
  if (!String(path).endsWith(".gz")) return await Deno.readFile(path);
  const file = await Deno.open(path);
  try {
    return new Uint8Array(await new Response(file.readable.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
  } catch (error) {
    throw new Error(`${path}: not a readable gzip file (${(error as Error).message})`);
  }
}

/** The file as UTF-8 text, gunzipped when its name ends in `.gz`. */
export async function readTextMaybeGzip(path: string | URL): Promise<string> {
  return new TextDecoder().decode(await readMaybeGzip(path));
}
