/** Seeded uniform draws for priors and datasets: one stream per seed, the same on every machine. */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { mersenne } from "pure-rand/generator/mersenne";

export type Uniform = () => number;

/** A generator of uniform numbers in [0, 1) from a 32-bit integer seed. */
export function seededUniform(seed: number): Uniform {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const rng = mersenne(seed | 0);
  return () => uniformFloat64(rng);
}
