/** Kernel sources live in `kernels/`, one file per model or stage (WGSL; WAT for CPU loops), loaded by name. */
import { GRID_WGSL } from "./grid.ts";
import type { StructLayout } from "./layout.ts";

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

/**
 * A WGSL kernel as its host compiles it: `kernels/<file>.wgsl` behind a generated header (the grid helpers, the
 * host's constants and struct declarations) and any shared files it builds on.
 */
export interface KernelSpec {
  file: string;
  /** Files compiled in front of `file`, in order (shared bindings and helpers). */
  include?: readonly string[];
  /** Structs the host writes (uniforms, structured storage): declared in WGSL from their TypeScript layout. */
  structs?: readonly StructLayout[];
  /** u32 constants the host and the kernel share, declared as WGSL `const`s. */
  constants?: Readonly<Record<string, number>>;
}

/** The generated declarations a kernel is compiled with. */
export function kernelHeader(spec: Omit<KernelSpec, "file" | "include">): string {
  const constants = Object.entries(spec.constants ?? {}).map(([name, value]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`bad constant name: ${name}`);
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32) {
      throw new RangeError(`${name} = ${value} is not a u32`);
    }
    return `const ${name}: u32 = ${value}u;\n`;
  });
  return [GRID_WGSL, constants.join(""), ...(spec.structs ?? []).map((s) => s.wgsl)].filter(Boolean).join("\n");
}

/** The full source of `spec`'s kernel. */
export async function kernelSource(spec: KernelSpec): Promise<string> {
  const files = [];
  for (const name of [...(spec.include ?? []), spec.file]) files.push(await loadKernel(name));
  return [kernelHeader(spec), ...files].join("\n");
}
