/** Standard normal draws from a seeded uniform stream (Box–Muller), so every sampler is reproducible from a seed. */
import type { Uniform } from "../random.ts";

export type Normal = () => number;

export function seededNormal(uniform: Uniform): Normal {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u = 1 - uniform(); // (0, 1]: log stays finite
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** n × dim standard normal values, row-major. */
export function normalMatrix(rows: number, cols: number, normal: Normal): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = normal();
  return out;
}
