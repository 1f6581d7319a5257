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
import { PACK_FILE } from "../runs/paths.ts";
import { BadRun, readRecord } from "../runs/read.ts";
import { PACK } from "../runs/records.ts";
import type { PackManifest } from "../runs/types.ts";
import { writeRecord } from "../runs/write.ts";

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
    await writeRecord(run, PACK, manifest);
    await Deno.rename(run, target);
  } finally {
    await Deno.remove(staging, { recursive: true });
  }
  return target;
}

/** The pack's manifest, checked (its format, the run's name, plain part names), or a one-line error. */
async function readPackManifest(pack: string): Promise<PackManifest> {
  let manifest: PackManifest | undefined;
  try {
    manifest = await readRecord(pack, PACK);
  } catch (error) {
    if (!(error instanceof BadRun)) throw error;
    throw new Error(`${join(pack, PACK_FILE)} ${error.reason}: not a run pack`);
  }
  if (!manifest) throw new Error(`${pack} holds no readable ${PACK_FILE}: not a run pack`);
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
    throw new Error(`${path}: ${(error as Error).message} (the pack has ${PACK_FILE}'s parts, all of them)`);
  }
  if (bytes !== part.bytes || hash.digest("hex") !== part.sha256) {
    throw new Error(`${path} is not the part ${PACK_FILE} names (size or SHA-256 differ): copy it again`);
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
