/** nflows' masked affine autoregressive transform (MAF's step): z = θ·scale + shift, scale = softplus(s) + 10⁻³. */
import * as tf from "@tensorflow/tfjs";
import { Made, type MadeOptions } from "./made.ts";
import type { ParameterStore } from "./parameters.ts";
import type { ForwardResult, Transform } from "./transform.ts";

export class MaskedAffineAutoregressive implements Transform {
  readonly #made: Made;
  readonly #features: number;

  constructor(store: ParameterStore, name: string, options: Omit<MadeOptions, "outputHeads">) {
    this.#made = new Made(store, name, { ...options, outputHeads: 2 });
    this.#features = options.features;
  }

  forward(inputs: tf.Tensor, context: tf.Tensor): ForwardResult {
    const { scale, shift } = this.#scaleAndShift(inputs, context);
    return { outputs: tf.add(tf.mul(inputs, scale), shift), logAbsDet: tf.sum(tf.log(scale), 1) };
  }

  /** Autoregressive: after step i the first i features are final, so `features` passes invert exactly. */
  inverse(outputs: tf.Tensor, context: tf.Tensor): tf.Tensor {
    let inputs: tf.Tensor = tf.zerosLike(outputs);
    for (let i = 0; i < this.#features; i++) {
      const { scale, shift } = this.#scaleAndShift(inputs, context);
      inputs = tf.div(tf.sub(outputs, shift), scale);
    }
    return inputs;
  }

  #scaleAndShift(inputs: tf.Tensor, context: tf.Tensor): { scale: tf.Tensor; shift: tf.Tensor } {
    const [unconstrained, shift] = this.#made.apply(inputs, context);
    return { scale: tf.add(tf.softplus(unconstrained), 1e-3), shift };
  }
}
