/**
 * scikit-learn's MLPClassifier as sbibm's C2ST configures it — ReLU hidden layers, one logistic output, Adam at
 * 10⁻³, L2 α = 10⁻⁴, batches of 200, at most 1000 epochs, stopping once the epoch loss fails to improve by 10⁻⁴ for
 * more than 10 epochs — trained on one cross-validation fold and scored on its held-out rows.
 *
 * The networks are small (at most 100 units wide for sbibm's tasks), so plain loops over Float64Arrays beat a
 * tensor library here: tfjs spent most of each step dispatching its ~600 small kernels.
 */
import { seededUniform } from "../random.ts";

export const FIT_DEFAULTS = {
  maxEpochs: 1000,
  batchSize: 200,
  learningRate: 1e-3,
  alpha: 1e-4,
  tolerance: 1e-4,
  patience: 10,
};
export type FitOptions = typeof FIT_DEFAULTS;

/** One fold's job: everything a worker needs, as structured-clonable values. */
export interface FoldJob {
  data: Float32Array;
  labels: Uint8Array;
  dim: number;
  train: number[];
  test: number[];
  seed: number;
  options: FitOptions;
}

/** Held-out accuracy of a classifier trained on the fold's training rows. */
export function foldAccuracy(job: FoldJob): number {
  const uniform = seededUniform(job.seed);
  const mlp = new Mlp([job.dim, 10 * job.dim, 10 * job.dim, 1], uniform);
  mlp.fit(job.data, job.labels, job.train, job.options, uniform);
  return mlp.accuracy(job.data, job.labels, job.test);
}

function shuffleInPlace(values: number[], uniform: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}

/** A ReLU MLP with one logistic output, trained as scikit-learn's MLPClassifier with solver "adam". */
class Mlp {
  readonly weights: Float64Array[] = [];
  readonly biases: Float64Array[] = [];

  constructor(readonly sizes: number[], uniform: () => number) {
    for (let l = 0; l < sizes.length - 1; l++) {
      const fanIn = sizes[l], fanOut = sizes[l + 1];
      const factor = l === sizes.length - 2 ? 2 : 6; // Glorot uniform; sklearn uses 2 for the logistic layer
      const bound = Math.sqrt(factor / (fanIn + fanOut));
      const draw = (count: number) => Float64Array.from({ length: count }, () => (2 * uniform() - 1) * bound);
      this.weights.push(draw(fanIn * fanOut));
      this.biases.push(draw(fanOut));
    }
  }

  fit(data: Float32Array, labels: Uint8Array, rows: number[], o: FitOptions, uniform: () => number): void {
    const params = [...this.weights, ...this.biases];
    const adam = new Adam(params, o.learningRate);
    const grads = params.map((p) => new Float64Array(p.length));
    const batchMax = Math.min(o.batchSize, rows.length);
    const acts = this.sizes.map((s) => new Float64Array(batchMax * s));
    const deltas = this.sizes.map((s) => new Float64Array(batchMax * s));
    const order = rows.slice();
    let best = Infinity, stale = 0;
    for (let epoch = 0; epoch < o.maxEpochs; epoch++) {
      shuffleInPlace(order, uniform);
      let epochLoss = 0;
      for (let start = 0; start < order.length; start += batchMax) {
        const batch = order.slice(start, start + batchMax);
        epochLoss += this.step(data, labels, batch, acts, deltas, grads, o.alpha) * batch.length;
        adam.update(params, grads);
      }
      const loss = epochLoss / order.length;
      // sklearn's _update_no_improvement_count on the training loss.
      stale = loss > best - o.tolerance ? stale + 1 : 0;
      best = Math.min(best, loss);
      if (stale > o.patience) break;
    }
  }

  /** One minibatch: forward, loss (returned), and gradients into `grads` (weights first, then biases). */
  private step(
    data: Float32Array,
    labels: Uint8Array,
    batch: number[],
    acts: Float64Array[],
    deltas: Float64Array[],
    grads: Float64Array[],
    alpha: number,
  ): number {
    const b = batch.length, layers = this.weights.length, d = this.sizes[0];
    batch.forEach((row, r) => acts[0].set(data.subarray(row * d, (row + 1) * d), r * d));
    for (let l = 0; l < layers; l++) this.forwardLayer(l, acts[l], acts[l + 1], b, l < layers - 1);

    // Log-loss of the logits, and its gradient (sigmoid(z) − y) / b.
    const z = acts[layers], dz = deltas[layers];
    let loss = 0;
    for (let r = 0; r < b; r++) {
      const y = labels[batch[r]], logit = z[r];
      loss += Math.max(logit, 0) - logit * y + Math.log1p(Math.exp(-Math.abs(logit)));
      dz[r] = (1 / (1 + Math.exp(-logit)) - y) / b;
    }
    let penalty = 0;
    for (const w of this.weights) for (let i = 0; i < w.length; i++) penalty += w[i] * w[i];
    loss = loss / b + 0.5 * alpha * penalty / b;

    for (let l = layers - 1; l >= 0; l--) {
      this.backwardLayer(l, acts[l], deltas[l + 1], grads[l], grads[layers + l], b, alpha);
      if (l > 0) this.propagate(l, acts[l], deltas[l + 1], deltas[l], b);
    }
    return loss;
  }

  /** out = act(in · W + bias), row-major [b, fanIn] → [b, fanOut]. */
  private forwardLayer(l: number, input: Float64Array, out: Float64Array, b: number, relu: boolean): void {
    const w = this.weights[l], bias = this.biases[l], fanIn = this.sizes[l], fanOut = this.sizes[l + 1];
    for (let r = 0; r < b; r++) {
      const o = r * fanOut;
      out.set(bias, o);
      for (let k = 0; k < fanIn; k++) {
        const a = input[r * fanIn + k];
        if (a === 0) continue; // ReLU zeros: common, and free to skip
        const wk = k * fanOut;
        for (let j = 0; j < fanOut; j++) out[o + j] += a * w[wk + j];
      }
      if (relu) { for (let j = 0; j < fanOut; j++) if (out[o + j] < 0) out[o + j] = 0; }
    }
  }

  /** dW = inᵀ · delta + α W / b, dbias = Σ delta. */
  private backwardLayer(
    l: number,
    input: Float64Array,
    delta: Float64Array,
    gw: Float64Array,
    gb: Float64Array,
    b: number,
    alpha: number,
  ): void {
    const w = this.weights[l], fanIn = this.sizes[l], fanOut = this.sizes[l + 1];
    for (let i = 0; i < gw.length; i++) gw[i] = alpha * w[i] / b;
    gb.fill(0);
    for (let r = 0; r < b; r++) {
      const dr = r * fanOut;
      for (let j = 0; j < fanOut; j++) gb[j] += delta[dr + j];
      for (let k = 0; k < fanIn; k++) {
        const a = input[r * fanIn + k];
        if (a === 0) continue;
        const wk = k * fanOut;
        for (let j = 0; j < fanOut; j++) gw[wk + j] += a * delta[dr + j];
      }
    }
  }

  /** delta of layer l's input: (delta · Wᵀ) ⊙ relu'(input). */
  private propagate(l: number, input: Float64Array, delta: Float64Array, out: Float64Array, b: number): void {
    const w = this.weights[l], fanIn = this.sizes[l], fanOut = this.sizes[l + 1];
    for (let r = 0; r < b; r++) {
      for (let k = 0; k < fanIn; k++) {
        if (input[r * fanIn + k] <= 0) {
          out[r * fanIn + k] = 0;
          continue;
        }
        let s = 0;
        const wk = k * fanOut, dr = r * fanOut;
        for (let j = 0; j < fanOut; j++) s += delta[dr + j] * w[wk + j];
        out[r * fanIn + k] = s;
      }
    }
  }

  accuracy(data: Float32Array, labels: Uint8Array, rows: number[]): number {
    const layers = this.weights.length;
    const acts = this.sizes.map((s) => new Float64Array(s));
    let correct = 0;
    for (const row of rows) {
      acts[0].set(data.subarray(row * this.sizes[0], (row + 1) * this.sizes[0]));
      for (let l = 0; l < layers; l++) this.forwardLayer(l, acts[l], acts[l + 1], 1, l < layers - 1);
      if ((acts[layers][0] > 0 ? 1 : 0) === labels[row]) correct++;
    }
    return correct / rows.length;
  }
}

/** scikit-learn's AdamOptimizer (β₁ 0.9, β₂ 0.999, ε 1e-8), bias correction folded into the step size. */
class Adam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(params: Float64Array[], private readonly learningRate: number) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  update(params: Float64Array[], grads: Float64Array[]): void {
    this.t++;
    const rate = this.learningRate * Math.sqrt(1 - 0.999 ** this.t) / (1 - 0.9 ** this.t);
    params.forEach((p, i) => {
      const g = grads[i], m = this.m[i], v = this.v[i];
      for (let k = 0; k < p.length; k++) {
        m[k] = 0.9 * m[k] + 0.1 * g[k];
        v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k];
        p[k] -= rate * m[k] / (Math.sqrt(v[k]) + 1e-8);
      }
    });
  }
}
