/**
 * nflows' ResidualNet, the conditioner of sbi's spline couplings: a linear layer on [inputs, context], residual
 * blocks (ReLU → linear → ReLU → linear, near-zero initialised, gated by the context through a GLU), a linear head.
 */
import * as tf from "@tensorflow/tfjs";
import { Linear } from "./layers.ts";
import type { ParameterStore } from "./parameters.ts";

export interface ResidualNetOptions {
  inFeatures: number;
  contextFeatures: number;
  outFeatures: number;
  hiddenFeatures: number;
  numBlocks: number;
}

interface Block {
  first: Linear;
  second: Linear;
  gate: Linear;
}

export class ResidualNet {
  readonly #initial: Linear;
  readonly #blocks: Block[];
  readonly #final: Linear;

  constructor(store: ParameterStore, name: string, options: ResidualNetOptions) {
    const { inFeatures, contextFeatures, outFeatures, hiddenFeatures: h, numBlocks } = options;
    this.#initial = new Linear(store, `${name}.initial`, inFeatures + contextFeatures, h);
    this.#blocks = Array.from({ length: numBlocks }, (_, i) => ({
      first: new Linear(store, `${name}.block${i}.first`, h, h),
      second: new Linear(store, `${name}.block${i}.second`, h, h, 1e-3),
      gate: new Linear(store, `${name}.block${i}.gate`, contextFeatures, h),
    }));
    this.#final = new Linear(store, `${name}.final`, h, outFeatures);
  }

  /** `inputs` may be undefined when every feature is transformed (one-dimensional θ). */
  apply(inputs: tf.Tensor | undefined, context: tf.Tensor): tf.Tensor {
    let h = this.#initial.apply(inputs ? tf.concat([inputs, context], 1) : context);
    for (const { first, second, gate } of this.#blocks) {
      const update = second.apply(tf.relu(first.apply(tf.relu(h))));
      h = tf.add(h, tf.mul(update, tf.sigmoid(gate.apply(context))));
    }
    return this.#final.apply(h);
  }
}
