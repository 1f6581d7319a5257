/** Atomic file writes: a temporary file in the same folder, then a rename, so readers see all or nothing. */
import { basename, dirname, join } from "node:path";

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
  let probeDir = dir;
  for (;;) {
    try {
      const info = await Deno.stat(probeDir);
      if (!info.isDirectory) throw new Error(`${probeDir} exists and is not a folder`);
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      const parent = dirname(probeDir);
      if (parent === probeDir) throw new Error(`cannot write to ${dir}: no existing parent folder`);
      probeDir = parent;
    }
  }
  try {
    const probe = await Deno.makeTempFile({ dir: probeDir, prefix: ".neurosbi-probe-" });
    await Deno.remove(probe);
  } catch (error) {
    throw new Error(`cannot write to ${dir}: ${(error as Error).message}`);
  }
}
