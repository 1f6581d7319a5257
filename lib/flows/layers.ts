/** Dense layers as PyTorch initialises them (weights and biases U(±1/√fan_in)), so sbi's defaults carry over. */
import * as tf from "@tensorflow/tfjs";
import type { ParameterStore } from "./parameters.ts";

export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(store: ParameterStore, name: string, inFeatures: number, outFeatures: number, bound?: number) {
    const b = bound ?? 1 / Math.sqrt(Math.max(1, inFeatures));
    this.weight = store.uniformVariable(`${name}.weight`, [inFeatures, outFeatures], b);
    this.bias = store.uniformVariable(`${name}.bias`, [outFeatures], b);
  }

  /** x W + b, with W optionally masked elementwise (MADE). */
  apply(x: tf.Tensor, mask?: tf.Tensor): tf.Tensor {
    const weight = mask ? tf.mul(this.weight, mask) : this.weight;
    return tf.add(tf.matMul(x, weight), this.bias);
  }
}

/** A multilayer perceptron with ReLU between layers (the optional embedding of long x). */
export class Mlp {
  readonly #layers: Linear[];

  constructor(store: ParameterStore, name: string, sizes: readonly number[]) {
    this.#layers = sizes.slice(1).map((out, i) => new Linear(store, `${name}.${i}`, sizes[i], out));
  }

  apply(x: tf.Tensor): tf.Tensor {
    return this.#layers.reduce((h, layer, i) => (i === 0 ? layer.apply(h) : layer.apply(tf.relu(h))), x);
  }
}
