/**
 * MADE (Germain et al. 2015) as nflows builds it for sbi's MAF: a masked input layer plus a context layer, `numBlocks`
 * masked feed-forward blocks, and masked output heads, so output j sees only inputs 1..j-1 (and all of the context).
 */
import * as tf from "@tensorflow/tfjs";
import { Linear } from "./layers.ts";
import type { ParameterStore } from "./parameters.ts";

export interface MadeOptions {
  features: number;
  contextFeatures: number;
  hiddenFeatures: number;
  numBlocks: number;
  /** Outputs per feature (2 for an affine transform). */
  outputHeads: number;
  activation: (x: tf.Tensor) => tf.Tensor;
}

export class Made {
  readonly #input: Linear;
  readonly #context: Linear;
  readonly #blocks: Linear[];
  readonly #output: Linear;
  readonly #masks: { input: tf.Tensor; hidden: tf.Tensor; output: tf.Tensor };

  constructor(store: ParameterStore, name: string, readonly options: MadeOptions) {
    const { features: d, contextFeatures, hiddenFeatures: h, numBlocks, outputHeads } = options;
    this.#input = new Linear(store, `${name}.input`, d, h);
    this.#context = new Linear(store, `${name}.context`, contextFeatures, h);
    this.#blocks = Array.from({ length: numBlocks }, (_, i) => new Linear(store, `${name}.block${i}`, h, h));
    this.#output = new Linear(store, `${name}.output`, h, d * outputHeads);
    this.#masks = madeMasks(d, h, outputHeads);
  }

  /** One [batch, features] tensor per output head. */
  apply(inputs: tf.Tensor, context: tf.Tensor): tf.Tensor[] {
    let h = tf.add(this.#input.apply(inputs, this.#masks.input), this.#context.apply(context));
    for (const block of this.#blocks) h = this.options.activation(block.apply(h, this.#masks.hidden));
    return tf.split(this.#output.apply(h, this.#masks.output), this.options.outputHeads, 1);
  }
}

/** Degree-based masks (nflows' sequential degrees), laid out [in, out] to match `x W`. */
export function madeMasks(
  d: number,
  h: number,
  heads: number,
): { input: tf.Tensor; hidden: tf.Tensor; output: tf.Tensor } {
  const hiddenDegree = (k: number) => (k % Math.max(1, d - 1)) + Math.min(1, d - 1);
  const mask = (rows: number, cols: number, keep: (r: number, c: number) => boolean) => {
    const m = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m[r * cols + c] = keep(r, c) ? 1 : 0;
    return tf.tensor(m, [rows, cols]);
  };
  return {
    input: mask(d, h, (i, k) => hiddenDegree(k) >= i + 1),
    hidden: mask(h, h, (a, b) => hiddenDegree(b) >= hiddenDegree(a)),
    output: mask(h, d * heads, (k, j) => (j % d) + 1 > hiddenDegree(k)),
  };
}
