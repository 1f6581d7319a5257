/** WGSL sources live in `kernels/`, one file per model or stage; hosts load them by name. */
const KERNELS = new URL("../../kernels/", import.meta.url);
const cache = new Map<string, string>();

/** The text of `kernels/<name>.wgsl`, read once per process. */
export async function loadKernel(name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad kernel name: ${name}`);
  let code = cache.get(name);
  if (code === undefined) {
    code = await Deno.readTextFile(new URL(`${name}.wgsl`, KERNELS));
    cache.set(name, code);
  }
  return code;
}
