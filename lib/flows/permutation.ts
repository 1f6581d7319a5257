/** A fixed permutation of features between autoregressive steps (volume-preserving). */
import * as tf from "@tensorflow/tfjs";
import type { Uniform } from "../random.ts";
import { columnSelector } from "./columns.ts";
import type { ForwardResult, Transform } from "./transform.ts";

export class Permutation implements Transform {
  readonly #order: tf.Tensor;
  readonly #inverseOrder: tf.Tensor;

  constructor(readonly order: readonly number[]) {
    this.#order = columnSelector(order, order.length);
    this.#inverseOrder = tf.transpose(this.#order);
  }

  /** A uniformly random order (Fisher–Yates). */
  static random(features: number, uniform: Uniform): Permutation {
    const order = Array.from({ length: features }, (_, i) => i);
    for (let i = features - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return new Permutation(order);
  }

  forward(inputs: tf.Tensor): ForwardResult {
    return { outputs: tf.matMul(inputs, this.#order), logAbsDet: tf.zeros([inputs.shape[0]]) };
  }

  inverse(outputs: tf.Tensor): tf.Tensor {
    return tf.matMul(outputs, this.#inverseOrder);
  }
}
