/**
 * The trainable parameters of a flow, in creation order with stable names, so weights can be saved, restored
 * and copied (best-epoch snapshots) without tfjs's global variable registry.
 */
import * as tf from "@tensorflow/tfjs";
import type { Uniform } from "../random.ts";

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export class ParameterStore {
  readonly #entries: { name: string; variable: tf.Variable }[] = [];

  constructor(private readonly uniform: Uniform) {}

  /** A new variable drawn from U(-bound, bound). */
  uniformVariable(name: string, shape: number[], bound: number): tf.Variable {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = (2 * this.uniform() - 1) * bound;
    return this.#add(name, tf.tensor(values, shape));
  }

  /** A new variable holding `value` everywhere. */
  constantVariable(name: string, shape: number[], value: number): tf.Variable {
    return this.#add(name, tf.fill(shape, value));
  }

  get variables(): tf.Variable[] {
    return this.#entries.map((e) => e.variable);
  }

  /** Copy every parameter to the host. */
  async read(): Promise<NamedArray[]> {
    return await Promise.all(this.#entries.map(async ({ name, variable }) => ({
      name,
      shape: variable.shape.slice(),
      data: new Float32Array(await variable.data()),
    })));
  }

  /** Overwrite every parameter; names and shapes must match this store's. */
  assign(arrays: readonly NamedArray[]): void {
    if (arrays.length !== this.#entries.length) {
      throw new Error(`weights hold ${arrays.length} arrays, the flow has ${this.#entries.length} parameters`);
    }
    this.#entries.forEach(({ name, variable }, i) => {
      const a = arrays[i];
      if (a.name !== name || a.shape.join("×") !== variable.shape.join("×")) {
        throw new Error(`weights do not fit this flow: ${a.name} [${a.shape}] where ${name} [${variable.shape}] is`);
      }
      variable.assign(tf.tensor(a.data, a.shape));
    });
  }

  dispose(): void {
    for (const { variable } of this.#entries) variable.dispose();
  }

  #add(name: string, initial: tf.Tensor): tf.Variable {
    if (this.#entries.some((e) => e.name === name)) throw new Error(`parameter ${name} is declared twice`);
    const variable = tf.variable(initial);
    initial.dispose();
    this.#entries.push({ name, variable });
    return variable;
  }
}
