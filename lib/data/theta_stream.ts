/**
 * A dataset's θ: all rows come from one seeded stream, drawn in order, so any range of rows can be produced on its
 * own (a shard, a cluster task's rows) without holding the rest, and always with the same values.
 */
import type { Prior } from "../prior/prior.ts";
import { seededUniform, type Uniform } from "../random.ts";

export class ThetaStream {
  readonly #prior: Prior;
  readonly #uniform: Uniform;
  /** Rows drawn (or skipped) so far. */
  #row = 0;

  constructor(prior: Prior, seed: number) {
    this.#prior = prior;
    this.#uniform = seededUniform(seed);
  }

  /** Rows [start, start + count) as float32, row-major; `start` may skip ahead but never go back. */
  rows(start: number, count: number): Float32Array {
    if (start < this.#row) throw new RangeError(`θ rows are drawn in order: row ${start} is behind row ${this.#row}`);
    for (let i = (start - this.#row) * this.#prior.dim; i > 0; i--) this.#uniform();
    this.#row = start + count;
    return new Float32Array(this.#prior.sample(count, this.#uniform));
  }
}
