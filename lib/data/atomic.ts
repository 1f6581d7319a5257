/** Atomic file writes: a temporary file in the same folder, then a rename, so readers see all or nothing. */
import { basename, dirname, join, resolve } from "node:path";

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
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
