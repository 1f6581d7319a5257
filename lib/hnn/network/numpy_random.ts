/**
 * numpy's legacy `RandomState` (MT19937 with init_genrand seeding), for drive event times that match hnn-core's
 * draw for draw: `random_sample` from two 32-bit outputs, `normal` by Marsaglia's polar method with the cached second
 * value, `exponential` by inversion.
 */
import { mersenne } from "pure-rand/generator/mersenne";

export class NumpyRandomState {
  readonly #mt;
  #cachedGauss: number | undefined;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`RandomState seed must be an integer in [0, 2^32), got ${seed}`);
    }
    this.#mt = mersenne(seed >>> 0 | 0);
  }

  /** Uniform on [0, 1) with 53 random bits. */
  randomSample(): number {
    const a = (this.#mt.next() >>> 0) >>> 5, b = (this.#mt.next() >>> 0) >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  standardNormal(): number {
    if (this.#cachedGauss !== undefined) {
      const g = this.#cachedGauss;
      this.#cachedGauss = undefined;
      return g;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.#cachedGauss = f * x1;
    return f * x2;
  }

  /** `normal(loc, scale)` for each loc in turn (numpy broadcasts an array of means the same way). */
  normal(loc: number, scale: number): number {
    return loc + scale * this.standardNormal();
  }

  exponential(scale: number): number {
    return scale * -Math.log(1 - this.randomSample());
  }
}
