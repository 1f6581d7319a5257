/** Kernel sources live in `kernels/`, one file per model or stage (WGSL; WAT for CPU loops), loaded by name. */
const KERNELS = new URL("../../kernels/", import.meta.url);
const cache = new Map<string, string>();

/** The text of `kernels/<name>.<extension>`, read once per process. */
export async function loadKernel(name: string, extension: "wgsl" | "wat" = "wgsl"): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad kernel name: ${name}`);
  const file = `${name}.${extension}`;
  let code = cache.get(file);
  if (code === undefined) {
    code = await Deno.readTextFile(new URL(file, KERNELS));
    cache.set(file, code);
  }
  return code;
}
