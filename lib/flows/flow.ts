/**
 * A conditional normalising flow q(θ | x) as sbi's NPE builds it: z-scored θ through `numTransforms` steps (MAF:
 * masked affine autoregressive + random permutation; NSF: spline coupling + LU linear) onto a standard normal,
 * conditioned on z-scored x (optionally through an MLP embedding).
 */
import * as tf from "@tensorflow/tfjs";
import { seededUniform } from "../random.ts";
import { type Normal, normalMatrix } from "../stats/normal.ts";
import { MaskedAffineAutoregressive } from "./affine_autoregressive.ts";
import { Mlp } from "./layers.ts";
import { LuLinear } from "./lu_linear.ts";
import { ParameterStore } from "./parameters.ts";
import { Permutation } from "./permutation.ts";
import { SplineCoupling } from "./spline_coupling.ts";
import type { Standardization } from "./standardize.ts";
import type { Transform } from "./transform.ts";

import type { FlowKind } from "./kinds.ts";
export { FLOW_KINDS, type FlowKind } from "./kinds.ts";

export interface FlowConfig {
  kind: FlowKind;
  thetaDim: number;
  xDim: number;
  numTransforms: number;
  hiddenFeatures: number;
  /** Hidden blocks per MADE / residual blocks per coupling conditioner. */
  numBlocks: number;
  numBins: number;
  tailBound: number;
  /** An MLP x → hidden → hidden → outFeatures in front of the flow, for long x. */
  embedding?: { hidden: number; outFeatures: number };
  /** Seeds weight initialisation and permutations. */
  seed: number;
}

/** sbi's NPE defaults: 5 transforms, 50 hidden units, 2 blocks, 10 bins, tail bound 3. */
export function flowConfig(
  kind: FlowKind,
  thetaDim: number,
  xDim: number,
  overrides: Partial<FlowConfig> = {},
): FlowConfig {
  return {
    kind,
    thetaDim,
    xDim,
    numTransforms: 5,
    hiddenFeatures: 50,
    numBlocks: 2,
    numBins: 10,
    tailBound: 3,
    seed: 0,
    ...overrides,
  };
}

const LOG_2PI = Math.log(2 * Math.PI);
const SAMPLE_CHUNK = 10_000;

/** Another implementation of a flow's sampling and log-densities (the WebGPU path), used while one is set. */
export interface FlowAccelerator {
  supports(flow: ConditionalFlow): boolean;
  /** θ for one x from base noise (n × θ dim, the draws tfjs would use). */
  sample(flow: ConditionalFlow, x: ArrayLike<number>, noise: Float32Array): Promise<Float32Array>;
  logProbRows(flow: ConditionalFlow, theta: Float32Array, x: Float32Array): Promise<Float32Array>;
}

let accelerator: FlowAccelerator | undefined;

/** Route `sample` and `logProbRows` of the flows it supports through `next` (undefined: tfjs). */
export function setFlowAccelerator(next: FlowAccelerator | undefined): void {
  accelerator = next;
}

export class ConditionalFlow {
  readonly parameters: ParameterStore;
  readonly #transforms: Transform[] = [];
  readonly #embedding?: Mlp;
  readonly #thetaMean: tf.Tensor;
  readonly #thetaStd: tf.Tensor;
  readonly #xMean: tf.Tensor;
  readonly #xStd: tf.Tensor;
  readonly #logStdSum: number;

  constructor(readonly config: FlowConfig, readonly standardization: Standardization) {
    const { thetaDim, xDim } = config;
    const s = standardization;
    if (s.thetaMean.length !== thetaDim || s.thetaStd.length !== thetaDim) {
      throw new Error("θ standardisation has the wrong length");
    }
    if (s.xMean.length !== xDim || s.xStd.length !== xDim) throw new Error("x standardisation has the wrong length");
    const uniform = seededUniform(config.seed);
    this.parameters = new ParameterStore(uniform);
    const store = this.parameters;
    let contextFeatures = xDim;
    if (config.embedding) {
      const { hidden, outFeatures } = config.embedding;
      this.#embedding = new Mlp(store, "embedding", [xDim, hidden, hidden, outFeatures]);
      contextFeatures = outFeatures;
    }
    const common = {
      features: thetaDim,
      contextFeatures,
      hiddenFeatures: config.hiddenFeatures,
      numBlocks: config.numBlocks,
    };
    for (let i = 0; i < config.numTransforms; i++) {
      if (config.kind === "maf") {
        this.#transforms.push(new MaskedAffineAutoregressive(store, `maf${i}`, { ...common, activation: tf.tanh }));
        this.#transforms.push(Permutation.random(thetaDim, uniform));
      } else {
        const options = { ...common, numBins: config.numBins, tailBound: config.tailBound, transformEven: i % 2 === 0 };
        this.#transforms.push(new SplineCoupling(store, `nsf${i}`, options));
        if (thetaDim > 1) this.#transforms.push(new LuLinear(store, `lu${i}`, thetaDim));
      }
    }
    this.#thetaMean = tf.tensor1d(s.thetaMean);
    this.#thetaStd = tf.tensor1d(s.thetaStd);
    this.#xMean = tf.tensor1d(s.xMean);
    this.#xStd = tf.tensor1d(s.xStd);
    this.#logStdSum = s.thetaStd.reduce((a, v) => a + Math.log(v), 0);
  }

  /** The steps from θ towards the base distribution, in order (the WebGPU path reads their structure). */
  get transforms(): readonly Transform[] {
    return this.#transforms;
  }

  /** log q(θ | x) per row, in θ's own units (the z-scoring's Jacobian included). θ: [n, thetaDim], x: [n, xDim]. */
  logProb(theta: tf.Tensor, x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const context = this.#context(x);
      let z = tf.div(tf.sub(theta, this.#thetaMean), this.#thetaStd);
      let logDet: tf.Tensor = tf.zeros([theta.shape[0]]);
      for (const transform of this.#transforms) {
        const step = transform.forward(z, context);
        z = step.outputs;
        logDet = tf.add(logDet, step.logAbsDet);
      }
      const baseLogProb = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), 1)), 0.5 * this.config.thetaDim * LOG_2PI);
      return tf.sub(tf.add(baseLogProb, logDet), this.#logStdSum);
    });
  }

  /** log q(θ | x) for host arrays (row-major), evaluated in chunks. */
  async logProbRows(theta: Float32Array, x: Float32Array): Promise<Float32Array> {
    const { thetaDim, xDim } = this.config;
    const rows = theta.length / thetaDim;
    if (!Number.isInteger(rows) || x.length !== rows * xDim) {
      throw new Error("θ and x must have the same number of rows");
    }
    if (accelerator?.supports(this)) return await accelerator.logProbRows(this, theta, x);
    const out = new Float32Array(rows);
    for (let start = 0; start < rows; start += SAMPLE_CHUNK) {
      const count = Math.min(SAMPLE_CHUNK, rows - start);
      const result = this.logProb(
        tf.tensor2d(theta.subarray(start * thetaDim, (start + count) * thetaDim), [count, thetaDim]),
        tf.tensor2d(x.subarray(start * xDim, (start + count) * xDim), [count, xDim]),
      );
      out.set(await result.data(), start);
      result.dispose();
    }
    return out;
  }

  /** n draws of θ ~ q(θ | x) for one observation x, row-major n × thetaDim. */
  async sample(n: number, x: ArrayLike<number>, normal: Normal): Promise<Float32Array> {
    const { thetaDim, xDim } = this.config;
    if (x.length !== xDim) throw new Error(`x has ${x.length} values, the flow expects ${xDim}`);
    if (accelerator?.supports(this)) return await accelerator.sample(this, x, normalMatrix(n, thetaDim, normal));
    const out = new Float32Array(n * thetaDim);
    for (let start = 0; start < n; start += SAMPLE_CHUNK) {
      const count = Math.min(SAMPLE_CHUNK, n - start);
      const noise = normalMatrix(count, thetaDim, normal);
      const theta = tf.tidy(() => {
        const context = tf.tile(this.#context(tf.tensor2d(Array.from(x), [1, xDim])), [count, 1]);
        let z: tf.Tensor = tf.tensor2d(noise, [count, thetaDim]);
        for (let i = this.#transforms.length - 1; i >= 0; i--) z = this.#transforms[i].inverse(z, context);
        return tf.add(tf.mul(z, this.#thetaStd), this.#thetaMean);
      });
      out.set(await theta.data(), start * thetaDim);
      theta.dispose();
    }
    return out;
  }

  dispose(): void {
    this.parameters.dispose();
  }

  #context(x: tf.Tensor): tf.Tensor {
    const standardized = tf.div(tf.sub(x, this.#xMean), this.#xStd);
    return this.#embedding ? this.#embedding.apply(standardized) : standardized;
  }
}
