/**
 * sbi's `nsf` step: a rational-quadratic spline coupling. Features with mask 1 are transformed by splines whose
 * parameters a ResidualNet computes from the other features and the context; the rest pass through.
 */
import * as tf from "@tensorflow/tfjs";
import { columnSelector } from "./columns.ts";
import type { ParameterStore } from "./parameters.ts";
import { ResidualNet } from "./residual_net.ts";
import { splineForward, splineInverse, type SplineOptions, type SplineParameters } from "./spline.ts";
import type { ForwardResult, Transform } from "./transform.ts";

export interface SplineCouplingOptions {
  features: number;
  contextFeatures: number;
  hiddenFeatures: number;
  numBlocks: number;
  numBins: number;
  tailBound: number;
  /** sbi alternates: even steps transform features 0, 2, 4, ...; odd steps 1, 3, ... (all of a 1-D θ). */
  transformEven: boolean;
}

export class SplineCoupling implements Transform {
  readonly #net: ResidualNet;
  readonly #identity: tf.Tensor | undefined;
  readonly #transformed: tf.Tensor;
  readonly #restore: tf.Tensor;
  readonly #spline: SplineOptions;
  readonly #bins: number;
  readonly #scale: number;

  constructor(store: ParameterStore, name: string, readonly options: SplineCouplingOptions) {
    const { features, numBins } = options;
    const transformed: number[] = [], identity: number[] = [];
    for (let i = 0; i < features; i++) {
      ((features === 1 || (i % 2 === 0) === options.transformEven) ? transformed : identity).push(i);
    }
    this.#identity = identity.length > 0 ? columnSelector(identity, features) : undefined;
    this.#transformed = columnSelector(transformed, features);
    this.#restore = tf.transpose(columnSelector([...identity, ...transformed], features));
    this.#net = new ResidualNet(store, name, {
      inFeatures: identity.length,
      contextFeatures: options.contextFeatures,
      outFeatures: transformed.length * (3 * numBins - 1),
      hiddenFeatures: options.hiddenFeatures,
      numBlocks: options.numBlocks,
    });
    this.#spline = { tailBound: options.tailBound };
    this.#bins = numBins;
    // nflows scales the width and height logits by 1/√hidden so the initial spline is close to the identity.
    this.#scale = 1 / Math.sqrt(options.hiddenFeatures);
  }

  forward(inputs: tf.Tensor, context: tf.Tensor): ForwardResult {
    const identity = this.#identity && tf.matMul(inputs, this.#identity);
    const params = this.#parameters(identity, context);
    const { outputs, logAbsDet } = splineForward(tf.matMul(inputs, this.#transformed), params, this.#spline);
    return { outputs: this.#merge(identity, outputs), logAbsDet: tf.sum(logAbsDet, 1) };
  }

  inverse(outputs: tf.Tensor, context: tf.Tensor): tf.Tensor {
    const identity = this.#identity && tf.matMul(outputs, this.#identity);
    const params = this.#parameters(identity, context);
    return this.#merge(identity, splineInverse(tf.matMul(outputs, this.#transformed), params, this.#spline));
  }

  #parameters(identity: tf.Tensor | undefined, context: tf.Tensor): SplineParameters {
    const k = this.#bins;
    const raw = this.#net.apply(identity, context);
    const perFeature = tf.reshape(raw, [raw.shape[0], -1, 3 * k - 1]);
    const [widths, heights, derivatives] = tf.split(perFeature, [k, k, k - 1], 2);
    return { widths: tf.mul(widths, this.#scale), heights: tf.mul(heights, this.#scale), derivatives };
  }

  #merge(identity: tf.Tensor | undefined, transformed: tf.Tensor): tf.Tensor {
    return identity ? tf.matMul(tf.concat([identity, transformed], 1), this.#restore) : transformed;
  }
}
