/**
 * Classifier two-sample test as sbibm computes it: z-score both sample sets with the reference's mean and
 * (unbiased) standard deviation, label reference 0 and the other set 1, and report the mean held-out accuracy of
 * scikit-learn's MLPClassifier (mlp_classifier.ts) under shuffled 5-fold cross-validation. 0.5: indistinguishable;
 * 1: disjoint. The folds train in parallel workers, one per core; each fold has its own seed, so the result does not
 * depend on how many run at once.
 */
import { columnMoments } from "../flows/standardize.ts";
import { shuffled } from "../train/pairs.ts";
import { FIT_DEFAULTS, type FitOptions, type FoldJob } from "./mlp_classifier.ts";

export interface C2stOptions extends Partial<FitOptions> {
  folds?: number;
  seed?: number;
  /** Folds trained at once (default: the machine's cores). */
  workers?: number;
}

/** C2ST accuracy between `reference` and `samples` (row-major, `dim` columns each). */
export async function c2st(
  reference: Float32Array,
  samples: Float32Array,
  dim: number,
  options: C2stOptions = {},
): Promise<number> {
  const { folds = 5, seed = 1, workers = navigator.hardwareConcurrency, ...fit } = options;
  const nRef = reference.length / dim, nSamples = samples.length / dim;
  if (!Number.isInteger(nRef) || !Number.isInteger(nSamples) || nRef < folds || nSamples < folds) {
    throw new Error(`c2st needs at least ${folds} rows of ${dim} values in each set`);
  }
  const { mean, std } = columnMoments(reference, nRef, dim);
  const n = nRef + nSamples;
  const data = new Float32Array(n * dim), labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const source = r < nRef ? reference : samples, row = r < nRef ? r : r - nRef;
    for (let c = 0; c < dim; c++) data[r * dim + c] = (source[row * dim + c] - mean[c]) / std[c];
    labels[r] = r < nRef ? 0 : 1;
  }
  const jobs: FoldJob[] = kFold(n, folds, seed).map((test, f) => {
    const held = new Set(test);
    const train = Array.from({ length: n }, (_, i) => i).filter((i) => !held.has(i));
    return { data, labels, dim, train, test, seed: seed * 1000 + f, options: { ...FIT_DEFAULTS, ...fit } };
  });
  const accuracies = await runInWorkers(jobs, Math.max(1, Math.min(workers, folds)));
  return accuracies.reduce((s, a) => s + a, 0) / folds;
}

/** Runs the jobs on `count` workers, each taking the next job as it finishes one. */
async function runInWorkers(jobs: FoldJob[], count: number): Promise<number[]> {
  const results: number[] = Array(jobs.length);
  let next = 0;
  const pool = Array.from(
    { length: count },
    () => new Worker(new URL("./c2st_worker.ts", import.meta.url), { type: "module" }),
  );
  try {
    await Promise.all(pool.map(async (worker) => {
      while (next < jobs.length) {
        const index = next++;
        results[index] = await new Promise<number>((resolve, reject) => {
          worker.onmessage = (event: MessageEvent<number>) => resolve(event.data);
          worker.onerror = (event: ErrorEvent) => {
            event.preventDefault();
            reject(new Error(`c2st worker failed: ${event.message}`));
          };
          worker.postMessage(jobs[index]);
        });
      }
    }));
  } finally {
    pool.forEach((worker) => worker.terminate());
  }
  return results;
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
