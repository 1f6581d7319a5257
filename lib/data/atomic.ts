/** Atomic file writes: a temporary file in the same folder, then a rename, so readers see all or nothing. */
import { basename, dirname, join, resolve } from "node:path";

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = tempPath(path);
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** Fail early, before any work, when `dir` cannot take new files (it need not exist yet). */
export async function assertWritableDir(dir: string): Promise<void> {
  try {
    const existing = await nearestExisting(dir);
    if (!(await Deno.stat(existing)).isDirectory) throw new Error(`${existing} is not a folder`);
    const probe = await Deno.makeTempFile({ dir: existing, prefix: ".neurosbi-probe-" });
    await Deno.remove(probe);
  } catch (error) {
    throw new Error(`cannot write to ${dir}: ${(error as Error).message}`);
  }
}

/**
 * Fail early, before any work, when the file `path` cannot be written: its folder must exist and take new files,
 * and `path` must not be a folder.
 */
export async function assertWritableFile(path: string): Promise<void> {
  const folder = dirname(resolve(path));
  const kind = async (p: string) => {
    try {
      return (await Deno.stat(p)).isDirectory ? "folder" : "file";
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return "missing";
      throw new Error(`cannot write to ${path}: ${(error as Error).message}`);
    }
  };
  const folderKind = await kind(folder);
  if (folderKind === "missing") throw new Error(`cannot write to ${path}: its folder ${folder} does not exist`);
  if (folderKind === "file") throw new Error(`cannot write to ${path}: ${folder} is not a folder`);
  if (await kind(path) === "folder") throw new Error(`cannot write to ${path}: it is a folder`);
  await assertWritableDir(folder);
}

/** Whether `dir` does not exist yet or is an empty folder. */
export async function isNewOrEmpty(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return false;
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw new Error(`cannot read ${dir}: ${(error as Error).message}`);
  }
}

/** `path` itself or its closest existing ancestor. */
async function nearestExisting(path: string): Promise<string> {
  for (let probe = path;; probe = dirname(probe)) {
    try {
      await Deno.stat(probe);
      return probe;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || dirname(probe) === probe) throw error;
    }
  }
}

/**
 * Write a file too large to hold in memory, piece by piece: `produce` calls `write` as pieces come, into a temporary
 * file in the same folder that is renamed into place once `produce` returns, and removed if it throws.
 */
export async function writeStreamAtomic(
  path: string,
  produce: (write: (piece: Uint8Array | string) => Promise<void>) => Promise<void>,
): Promise<void> {
  const temp = tempPath(path);
  const encoder = new TextEncoder();
  const file = await Deno.open(temp, { write: true, createNew: true });
  try {
    try {
      await produce(async (piece) => {
        const bytes = typeof piece === "string" ? encoder.encode(piece) : piece;
        for (let offset = 0; offset < bytes.length;) offset += await file.write(bytes.subarray(offset));
      });
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** A temporary file beside `path`: hidden, and named so that leftovers of a crash are recognisable. */
function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
}

/** Whether a name in a folder is a temporary file of writeFileAtomic or writeStreamAtomic (or of older versions). */
export function isTempName(name: string): boolean {
  return /^\..+(\.[0-9a-f]{8})?\.tmp$/.test(name);
}
