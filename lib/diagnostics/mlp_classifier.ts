/**
 * scikit-learn's MLPClassifier as sbibm's C2ST configures it — ReLU hidden layers, one logistic output, Adam at
 * 10⁻³, L2 α = 10⁻⁴, batches of 200, at most 1000 epochs, stopping once the epoch loss fails to improve by 10⁻⁴ for
 * more than 10 epochs — trained on one cross-validation fold and scored on its held-out rows.
 *
 * The networks are small (at most 100 units wide for sbibm's tasks): a tensor library spends most of each step
 * dispatching kernels, so the dense layers run as WebAssembly SIMD loops (kernels/mlp_classifier.wat) in float32,
 * on buffers laid out in the kernels' own memory.
 */
import wabtInit from "wabt";
import { loadKernel } from "../gpu/kernels.ts";
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
export async function foldAccuracy(job: FoldJob): Promise<number> {
  const uniform = seededUniform(job.seed);
  const sizes = [job.dim, 10 * job.dim, 10 * job.dim, 1];
  const mlp = new Mlp(await denseKernels(), sizes, Math.min(job.options.batchSize, job.train.length), uniform);
  mlp.fit(job.data, job.labels, job.train, job.options, uniform);
  return mlp.accuracy(job.data, job.labels, job.test);
}

/** The exports of kernels/mlp_classifier.wat; pointers are byte offsets into `memory`. */
export interface DenseKernels {
  memory: WebAssembly.Memory;
  forward(
    input: number,
    w: number,
    bias: number,
    out: number,
    rows: number,
    fanIn: number,
    fanOut: number,
    relu: number,
  ): void;
  backward(
    input: number,
    delta: number,
    w: number,
    gradW: number,
    gradBias: number,
    rows: number,
    fanIn: number,
    fanOut: number,
    decay: number,
  ): void;
  propagate(input: number, delta: number, w: number, out: number, rows: number, fanIn: number, fanOut: number): void;
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** A fresh instance of the dense-layer kernels with its own memory (compiled once per worker). */
export async function denseKernels(): Promise<DenseKernels> {
  compiled ??= (async () => {
    const wabt = await wabtInit();
    const parsed = wabt.parseWat("mlp_classifier.wat", await loadKernel("mlp_classifier", "wat"), {
      simd: true,
      bulk_memory: true,
    });
    try {
      return new WebAssembly.Module(parsed.toBinary({}).buffer as Uint8Array<ArrayBuffer>);
    } finally {
      parsed.destroy();
    }
  })();
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(await compiled, { env: { memory } });
  return { memory, ...instance.exports } as unknown as DenseKernels;
}

/** Float32 buffers carved from the kernels' memory, 16-byte aligned; sized up front, since growing detaches views. */
export function allocate(memory: WebAssembly.Memory, lengths: number[]): Float32Array[] {
  const padded = lengths.map((n) => Math.ceil(n / 4) * 4);
  const bytes = padded.reduce((s, n) => s + 4 * n, 0);
  const pages = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  let offset = 0;
  return padded.map((n, i) => {
    const view = new Float32Array(memory.buffer, offset, lengths[i]);
    offset += 4 * n;
    return view;
  });
}

function shuffleInPlace(values: number[], uniform: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}

/** A ReLU MLP with one logistic output, trained as scikit-learn's MLPClassifier with solver "adam". */
class Mlp {
  private readonly weights: Float32Array[];
  private readonly biases: Float32Array[];
  private readonly gradWeights: Float32Array[];
  private readonly gradBiases: Float32Array[];
  /** Each layer's activations for up to `batchRows` rows; acts[0] holds the inputs. */
  private readonly acts: Float32Array[];
  /** deltas[l]: the loss gradient at acts[l] (l ≥ 1). */
  private readonly deltas: Float32Array[];

  constructor(
    private readonly kernels: DenseKernels,
    private readonly sizes: number[],
    private readonly batchRows: number,
    uniform: () => number,
  ) {
    const layers = sizes.length - 1;
    const weightLengths = sizes.slice(1).map((fanOut, l) => sizes[l] * fanOut), biasLengths = sizes.slice(1);
    const rowLengths = sizes.map((s) => batchRows * s);
    const views = allocate(kernels.memory, [
      ...weightLengths,
      ...biasLengths,
      ...weightLengths,
      ...biasLengths,
      ...rowLengths,
      ...rowLengths,
    ]);
    [this.weights, this.biases, this.gradWeights, this.gradBiases] = [0, 1, 2, 3].map((g) =>
      views.slice(g * layers, (g + 1) * layers)
    );
    this.acts = views.slice(4 * layers, 5 * layers + 1);
    this.deltas = views.slice(5 * layers + 1);
    for (let l = 0; l < layers; l++) {
      const fanIn = sizes[l], fanOut = sizes[l + 1];
      const factor = l === layers - 1 ? 2 : 6; // Glorot uniform; sklearn uses 2 for the logistic layer
      const bound = Math.sqrt(factor / (fanIn + fanOut));
      for (const p of [this.weights[l], this.biases[l]]) p.forEach((_, i) => p[i] = (2 * uniform() - 1) * bound);
    }
  }

  fit(data: Float32Array, labels: Uint8Array, rows: number[], o: FitOptions, uniform: () => number): void {
    const params = [...this.weights, ...this.biases], grads = [...this.gradWeights, ...this.gradBiases];
    const adam = new Adam(params, o.learningRate);
    const order = rows.slice();
    let best = Infinity, stale = 0;
    for (let epoch = 0; epoch < o.maxEpochs; epoch++) {
      shuffleInPlace(order, uniform);
      let epochLoss = 0;
      for (let start = 0; start < order.length; start += this.batchRows) {
        const batch = order.slice(start, start + this.batchRows);
        epochLoss += this.step(data, labels, batch, o.alpha) * batch.length;
        adam.update(params, grads);
      }
      const loss = epochLoss / order.length;
      // sklearn's _update_no_improvement_count on the training loss.
      stale = loss > best - o.tolerance ? stale + 1 : 0;
      best = Math.min(best, loss);
      if (stale > o.patience) break;
    }
  }

  accuracy(data: Float32Array, labels: Uint8Array, rows: number[]): number {
    let correct = 0;
    for (let start = 0; start < rows.length; start += this.batchRows) {
      const batch = rows.slice(start, start + this.batchRows);
      const logits = this.forward(data, batch);
      batch.forEach((row, r) => correct += (logits[r] > 0 ? 1 : 0) === labels[row] ? 1 : 0);
    }
    return correct / rows.length;
  }

  /** The output logits of the batch's rows (a view valid until the next pass). */
  private forward(data: Float32Array, batch: number[]): Float32Array {
    const layers = this.weights.length, d = this.sizes[0], b = batch.length, acts = this.acts;
    batch.forEach((row, r) => acts[0].set(data.subarray(row * d, (row + 1) * d), r * d));
    for (let l = 0; l < layers; l++) {
      this.kernels.forward(
        acts[l].byteOffset,
        this.weights[l].byteOffset,
        this.biases[l].byteOffset,
        acts[l + 1].byteOffset,
        b,
        this.sizes[l],
        this.sizes[l + 1],
        l < layers - 1 ? 1 : 0,
      );
    }
    return acts[layers];
  }

  /** One minibatch: forward, loss (returned), and the gradients of every weight and bias. */
  private step(data: Float32Array, labels: Uint8Array, batch: number[], alpha: number): number {
    const b = batch.length, layers = this.weights.length, k = this.kernels;
    const z = this.forward(data, batch), dz = this.deltas[layers];
    // Log-loss of the logits, and its gradient (sigmoid(z) − y) / b.
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
      const fanIn = this.sizes[l], fanOut = this.sizes[l + 1], w = this.weights[l].byteOffset;
      const input = this.acts[l].byteOffset, delta = this.deltas[l + 1].byteOffset;
      k.backward(
        input,
        delta,
        w,
        this.gradWeights[l].byteOffset,
        this.gradBiases[l].byteOffset,
        b,
        fanIn,
        fanOut,
        alpha / b,
      );
      if (l > 0) k.propagate(input, delta, w, this.deltas[l].byteOffset, b, fanIn, fanOut);
    }
    return loss;
  }
}

/** scikit-learn's AdamOptimizer (β₁ 0.9, β₂ 0.999, ε 1e-8), bias correction folded into the step size. */
class Adam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(params: Float32Array[], private readonly learningRate: number) {
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  update(params: Float32Array[], grads: Float32Array[]): void {
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
