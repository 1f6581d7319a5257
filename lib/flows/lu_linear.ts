/**
 * nflows' LULinear (identity-initialised), which sbi puts after each spline coupling so every feature mixes with
 * every other: y = x Wᵀ + b with W = L U, L unit lower triangular, U upper with diagonal softplus(u) + 10⁻³.
 */
import * as tf from "@tensorflow/tfjs";
import type { ParameterStore } from "./parameters.ts";
import type { ForwardResult, Transform } from "./transform.ts";

const EPS = 1e-3;

export class LuLinear implements Transform {
  readonly #lower: tf.Variable;
  readonly #upper: tf.Variable;
  readonly #diagonal: tf.Variable;
  readonly #bias: tf.Variable;
  readonly #strictLower: tf.Tensor;
  readonly #strictUpper: tf.Tensor;

  constructor(store: ParameterStore, name: string, readonly features: number) {
    const d = features;
    this.#lower = store.constantVariable(`${name}.lower`, [d, d], 0);
    this.#upper = store.constantVariable(`${name}.upper`, [d, d], 0);
    this.#diagonal = store.constantVariable(`${name}.diagonal`, [d], Math.log(Math.expm1(1 - EPS)));
    this.#bias = store.constantVariable(`${name}.bias`, [d], 0);
    this.#strictLower = tf.linalg.bandPart(tf.ones([d, d]), -1, 0).sub(tf.eye(d));
    this.#strictUpper = tf.linalg.bandPart(tf.ones([d, d]), 0, -1).sub(tf.eye(d));
  }

  forward(inputs: tf.Tensor): ForwardResult {
    const { lower, upper, diagonal } = this.#factors();
    const weight = tf.matMul(lower, upper);
    const logAbsDet = tf.sum(tf.log(diagonal));
    return {
      outputs: tf.add(tf.matMul(inputs, weight, false, true), this.#bias),
      logAbsDet: tf.mul(tf.ones([inputs.shape[0]]), logAbsDet),
    };
  }

  /** Two triangular solves, column by column (θ has few dimensions). */
  inverse(outputs: tf.Tensor): tf.Tensor {
    const { lower, upper } = this.#factors();
    const d = this.features;
    const rhs = tf.unstack(tf.sub(outputs, this.#bias), 1);
    const entry = (m: tf.Tensor, i: number, j: number) => tf.slice(m, [i, j], [1, 1]).reshape([]);
    const u: tf.Tensor[] = [];
    for (let i = 0; i < d; i++) {
      u[i] = rhs[i];
      for (let j = 0; j < i; j++) u[i] = tf.sub(u[i], tf.mul(entry(lower, i, j), u[j]));
    }
    const x: tf.Tensor[] = [];
    for (let i = d - 1; i >= 0; i--) {
      let acc = u[i];
      for (let j = i + 1; j < d; j++) acc = tf.sub(acc, tf.mul(entry(upper, i, j), x[j]));
      x[i] = tf.div(acc, entry(upper, i, i));
    }
    return tf.stack(x, 1);
  }

  #factors(): { lower: tf.Tensor; upper: tf.Tensor; diagonal: tf.Tensor } {
    const d = this.features;
    const diagonal = tf.add(tf.softplus(this.#diagonal), EPS);
    const lower = tf.add(tf.mul(this.#lower, this.#strictLower), tf.eye(d));
    const upper = tf.add(tf.mul(this.#upper, this.#strictUpper), tf.mul(tf.eye(d), diagonal));
    return { lower, upper, diagonal };
  }
}
