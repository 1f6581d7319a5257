/**
 * The reverse of pack.ts: check a pack's parts against its pack.json (count, sizes, SHA-256), then extract the run
 * into a runs folder, where `deno task serve --runs` shows it. The run is extracted beside its destination and moved
 * into place whole, with the pack's manifest, so a failed unpack leaves nothing behind.
 */
import { createHash } from "node:crypto";
import { join, posix } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import * as tar from "tar-stream";
import { PACK_FORMAT, PACK_MANIFEST, type PackManifest, RUN_NAME } from "./pack.ts";

/** Unpack the pack in folder `pack` into `runs`/NAME; returns that run folder. */
export async function unpackRun(pack: string, runs: string): Promise<string> {
  const manifest = await readPackManifest(pack);
  const target = join(runs, manifest.run);
  if (await Deno.stat(target).then(() => true, () => false)) {
    throw new Error(`${target} exists already: give another --runs folder, or move it away`);
  }
  for (const part of manifest.parts) await checkPart(pack, part);
  await Deno.mkdir(runs, { recursive: true });
  const staging = await Deno.makeTempDir({ dir: runs, prefix: ".unpacking-" });
  try {
    await extract(pack, manifest, staging);
    const run = join(staging, manifest.run);
    await Deno.mkdir(run, { recursive: true });
    await Deno.writeTextFile(join(run, PACK_MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
    await Deno.rename(run, target);
  } finally {
    await Deno.remove(staging, { recursive: true });
  }
  return target;
}

async function readPackManifest(pack: string): Promise<PackManifest> {
  let manifest: PackManifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(join(pack, PACK_MANIFEST)));
  } catch (error) {
    throw new Error(`${pack} holds no readable ${PACK_MANIFEST} (${(error as Error).message}): not a run pack`);
  }
  if (manifest?.format !== PACK_FORMAT || !Array.isArray(manifest.parts) || manifest.parts.length === 0) {
    throw new Error(`${join(pack, PACK_MANIFEST)} is not a ${PACK_FORMAT} manifest`);
  }
  if (typeof manifest.run !== "string" || !RUN_NAME.test(manifest.run)) {
    throw new Error(`${join(pack, PACK_MANIFEST)}: run ${JSON.stringify(manifest.run)} is not a run folder's name`);
  }
  for (const part of manifest.parts) {
    if (typeof part?.file !== "string" || part.file !== posix.basename(part.file) || part.file.startsWith(".")) {
      throw new Error(`${join(pack, PACK_MANIFEST)}: part ${JSON.stringify(part?.file)} is not a file name`);
    }
  }
  return manifest;
}

/** A part must be there whole: its size and SHA-256 as the manifest says. */
async function checkPart(pack: string, part: PackManifest["parts"][number]): Promise<void> {
  const path = join(pack, part.file);
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    using file = await Deno.open(path);
    for await (const chunk of file.readable) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message} (the pack has ${PACK_MANIFEST}'s parts, all of them)`);
  }
  if (bytes !== part.bytes || hash.digest("hex") !== part.sha256) {
    throw new Error(`${path} is not the part ${PACK_MANIFEST} names (size or SHA-256 differ): copy it again`);
  }
}

/** Stream the parts through gunzip and tar into `dir`, accepting only plain files and folders under NAME/. */
async function extract(pack: string, manifest: PackManifest, dir: string): Promise<void> {
  async function* parts() {
    for (const part of manifest.parts) {
      using file = await Deno.open(join(pack, part.file));
      for await (const chunk of file.readable) yield chunk;
    }
  }
  const entries = tar.extract();
  const piped = pipeline(Readable.from(parts()), createGunzip(), entries);
  // The pipeline's failure surfaces in the loop below; this keeps it from being reported unhandled meanwhile.
  piped.catch(() => {});
  for await (const entry of entries) {
    const { name, type } = entry.header;
    const path = posix.normalize(name);
    if (!path.startsWith(`${manifest.run}/`) || path.split("/").includes("..") || posix.isAbsolute(path)) {
      throw new Error(`${pack}: entry ${JSON.stringify(name)} lies outside the run ${manifest.run}`);
    }
    if (type === "directory") {
      await Deno.mkdir(join(dir, path), { recursive: true });
      entry.resume();
      continue;
    }
    if (type !== "file") throw new Error(`${pack}: entry ${JSON.stringify(name)} is a ${type}, not a file`);
    await Deno.mkdir(join(dir, posix.dirname(path)), { recursive: true });
    using file = await Deno.open(join(dir, path), { write: true, createNew: true });
    for await (const chunk of entry) {
      const data = chunk as Uint8Array;
      for (let written = 0; written < data.length;) written += await file.write(data.subarray(written));
    }
  }
  await piped;
}
