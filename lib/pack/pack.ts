/**
 * A run folder packed to travel through a channel that takes a few files of limited size (a lent GPU machine's
 * results, a mail attachment): one tar.gz of the run, split into numbered parts, and `pack.json` beside them saying
 * what is inside and what was left behind. The dataset's raw arrays are the first to stay behind when the run does
 * not fit; the report needs none of them. `cat NAME.tar.gz.* | tar -xz` unpacks it too (docs/paper-runs.md).
 */
import { createHash } from "node:crypto";
import { basename, join, relative, resolve } from "node:path";
import { createGzip } from "node:zlib";
import * as tar from "tar-stream";
import { isNewOrEmpty, isTempName } from "../data/atomic.ts";
import { formatBytes } from "../format.ts";
import { EXPERIMENT_FILE, isDatasetArray, LOCK_FILE, NAME_PATTERN } from "../runs/paths.ts";
import { PACK } from "../runs/records.ts";
import { PACK_FORMAT, type PackManifest } from "../runs/types.ts";
import { writeRecord } from "../runs/write.ts";

export interface PackOptions {
  /** Files the pack may take, pack.json included. */
  maxFiles: number;
  /** Bytes each part may take. */
  partBytes: number;
  /** "auto": the dataset's arrays when everything fits, else without them; "never": always without. */
  dataset: "auto" | "never";
}

export const DEFAULT_PACK: PackOptions = { maxFiles: 8, partBytes: 16 * 2 ** 20, dataset: "auto" };

interface RunFile {
  path: string;
  bytes: number;
  mtime: Date;
}

/** Pack the run folder `run` into the new or empty folder `out`; returns the manifest written there. */
export async function packRun(run: string, out: string, options: PackOptions = DEFAULT_PACK): Promise<PackManifest> {
  const name = basename(resolve(run));
  if (!NAME_PATTERN.test(name)) throw new Error(`${run}: a run folder's name is letters, digits, '.', '_' and '-'`);
  await Deno.stat(join(run, EXPERIMENT_FILE)).catch(() => {
    throw new Error(`${run} is not a run folder (no ${EXPERIMENT_FILE})`);
  });
  if (!(await isNewOrEmpty(out))) throw new Error(`${out} is not empty: give a new or empty folder for the pack`);
  const maxParts = options.maxFiles - 1;
  if (maxParts < 1) throw new Error("a pack takes at least 2 files: pack.json and one part");
  const files = await listRunFiles(run);
  const arrays = files.filter((f) => isDatasetArray(f.path));
  const attempts = options.dataset === "never" || arrays.length === 0 ? [false] : [true, false];
  await Deno.mkdir(out, { recursive: true });
  const staging = await Deno.makeTempDir({ dir: out, prefix: ".packing-" });
  try {
    for (const withArrays of attempts) {
      const packed = withArrays ? files : files.filter((f) => !isDatasetArray(f.path));
      const parts = await writeArchive(run, name, packed, staging, options.partBytes, maxParts);
      if (!parts) continue;
      const leftBehind = withArrays ? [] : arrays.map(({ path, bytes }) => ({ path, bytes }));
      const manifest: PackManifest = {
        format: PACK_FORMAT,
        run: name,
        created: new Date().toISOString(),
        parts,
        files: packed.length,
        bytes: packed.reduce((sum, f) => sum + f.bytes, 0),
        left_behind: leftBehind,
        ...(leftBehind.length
          ? {
            left_behind_reason: options.dataset === "never"
              ? "asked to leave the dataset's arrays behind"
              : `the dataset's arrays do not fit in ${maxParts} parts of ${formatBytes(options.partBytes)}`,
          }
          : {}),
      };
      for (const part of parts) await Deno.rename(join(staging, part.file), join(out, part.file));
      // Written last: a folder with pack.json holds a whole pack.
      await writeRecord(out, PACK, manifest);
      return manifest;
    }
    throw new Error(
      `${run} does not fit in ${maxParts} parts of ${formatBytes(options.partBytes)} even without the dataset's ` +
        `arrays: give more --max-files or a larger --part-mib`,
    );
  } finally {
    await Deno.remove(staging, { recursive: true });
    if (await isNewOrEmpty(out)) await Deno.remove(out).catch(() => {});
  }
}

/** Every file of the run folder (relative POSIX paths, sorted), less its lock and unfinished temporary files. */
async function listRunFiles(run: string): Promise<RunFile[]> {
  const files: RunFile[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && !isTempName(entry.name)) {
        const rel = relative(run, path).split("\\").join("/");
        if (rel === LOCK_FILE) continue;
        const stat = await Deno.stat(path);
        files.push({ path: rel, bytes: stat.size, mtime: stat.mtime ?? new Date() });
      }
    }
  };
  await walk(run);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

class PartsFull extends Error {}

/**
 * Write `files` as `NAME/PATH` entries of one tar.gz into `dir`, split into parts of `partBytes`; undefined (and
 * the parts removed) when it takes more than `maxParts`.
 */
async function writeArchive(
  run: string,
  name: string,
  files: RunFile[],
  dir: string,
  partBytes: number,
  maxParts: number,
): Promise<PackManifest["parts"] | undefined> {
  const writer = new PartWriter(dir, `${name}.tar.gz`, partBytes, maxParts);
  const archive = tar.pack();
  const gzip = createGzip({ level: 6 });
  archive.pipe(gzip);
  const drained = (async () => {
    for await (const chunk of gzip) await writer.write(chunk as Uint8Array);
  })();
  const fed = (async () => {
    for (const file of files) {
      const data = await Deno.readFile(join(run, file.path));
      await new Promise<void>((done, fail) =>
        archive.entry(
          { name: `${name}/${file.path}`, size: data.length, mtime: file.mtime, mode: 0o644 },
          data,
          (error) => error ? fail(error) : done(),
        )
      );
    }
    archive.finalize();
  })();
  try {
    await Promise.race([fed, drained]);
    await Promise.all([fed, drained]);
    return writer.close();
  } catch (error) {
    archive.destroy();
    gzip.destroy();
    await writer.discard();
    if (error instanceof PartsFull) return undefined;
    throw error;
  }
}

/** Bytes written across numbered files of at most `partBytes` each, hashed as they go. */
class PartWriter {
  readonly parts: PackManifest["parts"] = [];
  #file?: Deno.FsFile;
  #hash = createHash("sha256");
  #bytes = 0;

  constructor(readonly dir: string, readonly base: string, readonly partBytes: number, readonly maxParts: number) {}

  async write(chunk: Uint8Array): Promise<void> {
    for (let offset = 0; offset < chunk.length;) {
      if (!this.#file || this.#bytes === this.partBytes) await this.#next();
      const piece = chunk.subarray(offset, offset + Math.min(this.partBytes - this.#bytes, chunk.length - offset));
      for (let written = 0; written < piece.length;) written += await this.#file!.write(piece.subarray(written));
      this.#hash.update(piece);
      this.#bytes += piece.length;
      offset += piece.length;
    }
  }

  close(): PackManifest["parts"] {
    this.#finish();
    return this.parts;
  }

  async discard(): Promise<void> {
    this.#finish();
    for (const part of this.parts) await Deno.remove(join(this.dir, part.file)).catch(() => {});
  }

  async #next(): Promise<void> {
    this.#finish();
    if (this.parts.length === this.maxParts) throw new PartsFull();
    const file = `${this.base}.${String(this.parts.length).padStart(2, "0")}`;
    this.#file = await Deno.open(join(this.dir, file), { write: true, createNew: true });
    this.parts.push({ file, bytes: 0, sha256: "" });
  }

  #finish(): void {
    if (!this.#file) return;
    this.#file.close();
    this.#file = undefined;
    Object.assign(this.parts.at(-1)!, { bytes: this.#bytes, sha256: this.#hash.digest("hex") });
    this.#hash = createHash("sha256");
    this.#bytes = 0;
  }
}
