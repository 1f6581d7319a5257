/**
 * Classifier two-sample test as sbibm computes it: z-score both sample sets with the reference's mean and
 * (unbiased) standard deviation, label reference 0 and the other set 1, and report the mean held-out accuracy of
 * scikit-learn's MLPClassifier (ReLU, two hidden layers of 10·dim units, Adam at 10⁻³, L2 α = 10⁻⁴, batches of 200,
 * stopping once the epoch loss fails to improve by 10⁻⁴ for more than 10 epochs) under shuffled 5-fold
 * cross-validation. 0.5: indistinguishable; 1: disjoint. The five folds train side by side, minibatch by minibatch.
 */
import * as tf from "@tensorflow/tfjs";
import { columnMoments } from "../flows/standardize.ts";
import { shuffled } from "../train/pairs.ts";
import { seededUniform } from "../random.ts";

export interface C2stOptions {
  folds?: number;
  seed?: number;
  maxEpochs?: number;
  batchSize?: number;
  learningRate?: number;
  alpha?: number;
  tolerance?: number;
  patience?: number;
}

/** C2ST accuracy between `reference` and `samples` (row-major, `dim` columns each). */
export async function c2st(
  reference: Float32Array,
  samples: Float32Array,
  dim: number,
  options: C2stOptions = {},
): Promise<number> {
  const folds = options.folds ?? 5, seed = options.seed ?? 1, maxEpochs = options.maxEpochs ?? 10_000;
  const batchSize = options.batchSize ?? 200, alpha = options.alpha ?? 1e-4;
  const tolerance = options.tolerance ?? 1e-4, patience = options.patience ?? 10;
  const nRef = reference.length / dim, nSamples = samples.length / dim;
  if (!Number.isInteger(nRef) || !Number.isInteger(nSamples) || nRef < folds || nSamples < folds) {
    throw new Error(`c2st needs at least ${folds} rows of ${dim} values in each set`);
  }
  const { mean, std } = columnMoments(reference, nRef, dim);
  const n = nRef + nSamples;
  const data = new Float32Array(n * dim), labels = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const source = r < nRef ? reference : samples, row = r < nRef ? r : r - nRef;
    for (let c = 0; c < dim; c++) data[r * dim + c] = (source[row * dim + c] - mean[c]) / std[c];
    labels[r] = r < nRef ? 0 : 1;
  }
  const testSets = kFold(n, folds, seed);
  const trainSets = testSets.map((test) => {
    const held = new Set(test);
    return Array.from({ length: n }, (_, i) => i).filter((i) => !held.has(i));
  });

  const hidden = 10 * dim;
  const model = new FoldMlps(folds, [dim, hidden, hidden, 1], seededUniform(seed));
  // One Adam per fold: tfjs keys Adam's moments by position, and stopped folds leave the variable list.
  const optimizers = Array.from({ length: folds }, () => tf.train.adam(options.learningRate ?? 1e-3, 0.9, 0.999, 1e-8));
  const allData = tf.tensor2d(data, [n, dim]), allLabels = tf.tensor1d(labels);
  const accuracy: (number | undefined)[] = Array(folds).fill(undefined);
  const bestLoss = Array(folds).fill(Infinity), stale = Array(folds).fill(0);
  const trainRows = Math.max(...trainSets.map((s) => s.length));
  const uniform = seededUniform(seed + 1);
  try {
    for (let epoch = 0; epoch < maxEpochs && accuracy.includes(undefined); epoch++) {
      const orders = trainSets.map((set) => shuffle(set, uniform));
      let epochLoss: tf.Tensor = tf.zeros([folds]);
      for (let start = 0; start < trainRows; start += batchSize) {
        const count = Math.min(batchSize, trainRows - start);
        // A fold one row shorter wraps to its first rows: folds then share batch shapes.
        const index = tf.tensor2d(
          orders.flatMap((o) => Array.from({ length: count }, (_, k) => o[(start + k) % o.length])),
          [folds, count],
          "int32",
        );
        const xs = tf.unstack(tf.gather(allData, index)), ys = tf.unstack(tf.gather(allLabels, index));
        // Folds that have stopped no longer train (their accuracy is already recorded).
        const active = accuracy.flatMap((a, f) => (a === undefined ? [f] : []));
        let perFoldLoss: tf.Tensor = tf.zeros([folds]);
        const { value, grads } = tf.variableGrads(() => {
          const losses = Array.from({ length: folds }, (_, f) => {
            if (!active.includes(f)) return tf.scalar(0);
            const penalty = tf.mul(0.5 * alpha / count, model.squaredWeights(f));
            return tf.add(tf.mean(logLoss(model.logits(f, xs[f]), ys[f])), penalty);
          });
          perFoldLoss.dispose();
          perFoldLoss = tf.keep(tf.mul(tf.stack(losses), count));
          return tf.addN(losses) as tf.Scalar;
        }, active.flatMap((f) => model.foldVariables(f)));
        for (const f of active) {
          optimizers[f].applyGradients(model.foldVariables(f).map((v) => ({ name: v.name, tensor: grads[v.name] })));
        }
        const next = tf.add(epochLoss, perFoldLoss);
        tf.dispose([epochLoss, perFoldLoss, value, grads, index, ...xs, ...ys]);
        epochLoss = next;
      }
      const losses = Array.from(await epochLoss.data(), (l) => l / trainRows);
      epochLoss.dispose();
      for (let f = 0; f < folds; f++) {
        if (accuracy[f] !== undefined) continue;
        stale[f] = losses[f] > bestLoss[f] - tolerance ? stale[f] + 1 : 0;
        bestLoss[f] = Math.min(bestLoss[f], losses[f]);
        if (stale[f] > patience || epoch === maxEpochs - 1) {
          accuracy[f] = await model.accuracy(f, allData, allLabels, testSets[f]);
        }
      }
    }
  } finally {
    tf.dispose([allData, allLabels]);
    optimizers.forEach((o) => o.dispose());
    model.dispose();
  }
  return accuracy.reduce((s: number, a) => s + a!, 0) / folds;
}

/** Binary cross-entropy with logits, elementwise. */
function logLoss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.sub(tf.add(tf.relu(logits), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))), tf.mul(logits, labels));
}

/** scikit-learn's KFold(shuffle=True): a shuffled order cut into folds, the first n % k one row longer. */
function kFold(n: number, folds: number, seed: number): number[][] {
  const order = shuffled(n, seed);
  const out: number[][] = [];
  let start = 0;
  for (let f = 0; f < folds; f++) {
    const size = Math.floor(n / folds) + (f < n % folds ? 1 : 0);
    out.push(order.slice(start, start + size));
    start += size;
  }
  return out;
}

function shuffle(values: readonly number[], uniform: () => number): number[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * One MLP per fold, Glorot-uniform initialised as scikit-learn does. Plain 2-D products per fold: tfjs's wasm
 * backend runs them ~10× faster than one batched 3-D product.
 */
class FoldMlps {
  /** weights[layer][fold], biases[layer][fold]. */
  readonly weights: tf.Variable[][] = [];
  readonly biases: tf.Variable[][] = [];

  constructor(readonly folds: number, sizes: number[], uniform: () => number) {
    for (let l = 0; l < sizes.length - 1; l++) {
      const fanIn = sizes[l], fanOut = sizes[l + 1];
      const factor = l === sizes.length - 2 ? 2 : 6; // sklearn: 2 for the logistic output layer
      const bound = Math.sqrt(factor / (fanIn + fanOut));
      const draw = (count: number) => Float32Array.from({ length: count }, () => (2 * uniform() - 1) * bound);
      const w = draw(folds * fanIn * fanOut), b = draw(folds * fanOut);
      this.weights.push(Array.from({ length: folds }, (_, f) => {
        return tf.variable(tf.tensor2d(w.subarray(f * fanIn * fanOut, (f + 1) * fanIn * fanOut), [fanIn, fanOut]));
      }));
      this.biases.push(Array.from({ length: folds }, (_, f) => {
        return tf.variable(tf.tensor1d(b.subarray(f * fanOut, (f + 1) * fanOut)));
      }));
    }
  }

  get variables(): tf.Variable[] {
    return [...this.weights.flat(), ...this.biases.flat()];
  }

  foldVariables(fold: number): tf.Variable[] {
    return [...this.weights.map((w) => w[fold]), ...this.biases.map((b) => b[fold])];
  }

  /** [rows, dim] → [rows] logits of fold `fold`'s network. */
  logits(fold: number, x: tf.Tensor): tf.Tensor {
    let h = x;
    this.weights.forEach((w, l) => {
      h = tf.add(tf.matMul(h, w[fold]), this.biases[l][fold]);
      if (l < this.weights.length - 1) h = tf.relu(h);
    });
    return tf.squeeze(h, [1]);
  }

  /** Σ‖W‖² of one fold's network (biases are not penalised). */
  squaredWeights(fold: number): tf.Tensor {
    return tf.addN(this.weights.map((w) => tf.sum(tf.square(w[fold]))));
  }

  async accuracy(fold: number, data: tf.Tensor2D, labels: tf.Tensor1D, test: number[]): Promise<number> {
    const correct = tf.tidy(() => {
      const index = tf.tensor1d(test, "int32");
      const predicted = tf.cast(tf.greater(this.logits(fold, tf.gather(data, index)), 0), "float32");
      return tf.sum(tf.cast(tf.equal(predicted, tf.gather(labels, index)), "float32"));
    });
    const value = (await correct.data())[0];
    correct.dispose();
    return value / test.length;
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}
