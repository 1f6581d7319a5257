/**
 * Adam as PyTorch computes it (bias corrections 1 − βᵗ from the step count, in double precision), with its whole
 * state — the step and both moments — readable and restorable. tfjs's own Adam keeps β₁ᵗ and β₂ᵗ as float32
 * products accumulated step by step but rebuilds them with pow() when its weights are set, so a run resumed from a
 * checkpoint drifted from an uninterrupted one; here nothing is accumulated besides the moments.
 */
import * as tf from "@tensorflow/tfjs";
import type { NamedArray } from "../flows/parameters.ts";

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Everything a resumed Adam needs: steps taken and the first and second moments, one array per variable. */
export interface AdamState {
  step: number;
  firstMoments: NamedArray[];
  secondMoments: NamedArray[];
}

export class Adam {
  #step = 0;
  readonly #first: tf.Variable[];
  readonly #second: tf.Variable[];

  constructor(private readonly variables: readonly tf.Variable[], private readonly options: AdamOptions) {
    const zeros = () => variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
    this.#first = zeros();
    this.#second = zeros();
  }

  /** One update from gradients keyed by variable name (as tf.variableGrads returns them). */
  apply(grads: tf.NamedTensorMap): void {
    const { learningRate, beta1, beta2, epsilon } = this.options;
    this.#step++;
    const stepSize = learningRate / (1 - beta1 ** this.#step);
    const secondCorrection = Math.sqrt(1 - beta2 ** this.#step);
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        const grad = grads[variable.name];
        if (!grad) throw new Error(`no gradient for parameter ${i}`);
        const first = tf.add(tf.mul(this.#first[i], beta1), tf.mul(grad, 1 - beta1));
        const second = tf.add(tf.mul(this.#second[i], beta2), tf.mul(tf.square(grad), 1 - beta2));
        this.#first[i].assign(first);
        this.#second[i].assign(second);
        const denominator = tf.add(tf.div(tf.sqrt(second), secondCorrection), epsilon);
        variable.assign(tf.sub(variable, tf.mul(tf.div(first, denominator), stepSize)));
      });
    });
  }

  async state(): Promise<AdamState> {
    const read = (moments: tf.Variable[], kind: string) =>
      Promise.all(moments.map(async (m, i) => ({
        name: `${kind}/${i}`,
        shape: m.shape.slice(),
        data: new Float32Array(await m.data()),
      })));
    return {
      step: this.#step,
      firstMoments: await read(this.#first, "m"),
      secondMoments: await read(this.#second, "v"),
    };
  }

  /** Continue from a saved state; its moments must match the variables one for one. */
  restore(state: AdamState): void {
    if (!Number.isSafeInteger(state.step) || state.step < 0) throw new Error(`Adam step ${state.step} is not a count`);
    for (const [moments, saved] of [[this.#first, state.firstMoments], [this.#second, state.secondMoments]] as const) {
      if (saved.length !== moments.length) {
        throw new Error(`Adam state holds ${saved.length} moments, the flow has ${moments.length} parameters`);
      }
      moments.forEach((m, i) => {
        if (saved[i].shape.join("×") !== m.shape.join("×")) {
          throw new Error(`Adam moment ${saved[i].name} [${saved[i].shape}] does not fit parameter ${i} [${m.shape}]`);
        }
      });
    }
    this.#step = state.step;
    tf.tidy(() => {
      state.firstMoments.forEach((a, i) => this.#first[i].assign(tf.tensor(a.data, a.shape)));
      state.secondMoments.forEach((a, i) => this.#second[i].assign(tf.tensor(a.data, a.shape)));
    });
  }

  dispose(): void {
    tf.dispose([...this.#first, ...this.#second]);
  }
}
