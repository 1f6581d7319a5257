/**
 * PCA of waveforms fitted on a training set (the seed paper reduces x to 4 or 30 components): randomized SVD
 * (Halko, Martinsson & Tropp 2011) with the large products on the GPU, small factorisations on the host.
 */
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import type { GpuRuntime } from "../gpu/runtime.ts";
import { chunks } from "../gpu/runtime.ts";
import { seededUniform } from "../random.ts";
import { type Dense, matmulGpu, TILE } from "./matmul.ts";

export interface PcaModel {
  /** Samples per waveform. */
  features: number;
  /** Mean waveform of the training set. */
  mean: number[];
  /** k × features, unit rows, largest variance first; sign fixed so each row's largest |loading| is positive. */
  components: number[][];
  /** Variance of the training set along each component. */
  explainedVariance: number[];
}

export interface PcaOptions {
  /** Rows used to fit (an even stride through the training set); default 20,000. */
  maxRows?: number;
  oversample?: number;
  powerIterations?: number;
  seed?: number;
}

/** Orthonormalise the columns of a rows×cols matrix in place (modified Gram–Schmidt, float64). */
function orthonormalize(m: Dense): Dense {
  const { rows, cols } = m;
  const q = Float64Array.from(m.data);
  for (let j = 0; j < cols; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += q[i * cols + p] * q[i * cols + j];
      for (let i = 0; i < rows; i++) q[i * cols + j] -= dot * q[i * cols + p];
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += q[i * cols + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < rows; i++) q[i * cols + j] /= norm;
  }
  return { rows, cols, data: new Float32Array(q) };
}

export async function fitPca(
  runtime: GpuRuntime,
  x: Float32Array,
  features: number,
  k: number,
  options: PcaOptions = {},
): Promise<PcaModel> {
  const total = x.length / features;
  if (!Number.isInteger(total) || total < 2) throw new Error(`PCA needs at least 2 rows of ${features} values`);
  if (!Number.isInteger(k) || k < 1 || k > Math.min(total, features)) {
    throw new Error(`PCA components must be an integer in [1, ${Math.min(total, features)}], got ${k}`);
  }
  const stride = Math.max(1, Math.ceil(total / (options.maxRows ?? 20_000)));
  const n = Math.ceil(total / stride);
  const mean = new Float64Array(features);
  for (let r = 0; r < total; r += stride) for (let c = 0; c < features; c++) mean[c] += x[r * features + c] / n;
  const centred: Dense = { rows: n, cols: features, data: new Float32Array(n * features) };
  for (let i = 0, r = 0; r < total; r += stride, i++) {
    for (let c = 0; c < features; c++) centred.data[i * features + c] = x[r * features + c] - mean[c];
  }
  const l = Math.min(k + (options.oversample ?? 10), features, n);
  const uniform = seededUniform(options.seed ?? 0);
  const omega: Dense = {
    rows: features,
    cols: l,
    data: Float32Array.from({ length: features * l }, () => uniform() - 0.5),
  };
  let y = orthonormalize(await matmulGpu(runtime, centred, omega));
  for (let q = 0; q < (options.powerIterations ?? 4); q++) {
    const z = orthonormalize(await matmulGpu(runtime, centred, y, true));
    y = orthonormalize(await matmulGpu(runtime, centred, z));
  }
  // B = Yᵀ Xc (l × features); its right singular vectors are the principal axes.
  const b = await matmulGpu(runtime, y, centred, true);
  const bMatrix = new Matrix(l, features);
  for (let i = 0; i < l; i++) for (let c = 0; c < features; c++) bMatrix.set(i, c, b.data[i * features + c]);
  const eig = new EigenvalueDecomposition(bMatrix.mmul(bMatrix.transpose()), { assumeSymmetric: true });
  const order = eig.realEigenvalues.map((v, i) => [v, i]).sort((p, q) => q[0] - p[0]).slice(0, k);
  const components: number[][] = [], explainedVariance: number[] = [];
  for (const [value, index] of order) {
    const sigma = Math.sqrt(Math.max(value, 0));
    const u = eig.eigenvectorMatrix.getColumn(index);
    const v = Array.from({ length: features }, (_, c) => {
      let s = 0;
      for (let i = 0; i < l; i++) s += bMatrix.get(i, c) * u[i];
      return sigma > 0 ? s / sigma : 0;
    });
    const largest = v.reduce((best, value) => (Math.abs(value) > Math.abs(best) ? value : best), 0);
    components.push(largest < 0 ? v.map((e) => -e) : v);
    explainedVariance.push((sigma * sigma) / (n - 1));
  }
  return { features, mean: Array.from(mean), components, explainedVariance };
}

/** Project rows of x onto the model's components: (x − mean)·Vᵀ, n × k, on the GPU in chunks. */
export async function transformPca(runtime: GpuRuntime, model: PcaModel, x: Float32Array): Promise<Float32Array> {
  const t = model.features, k = model.components.length, n = x.length / t;
  if (!Number.isInteger(n)) throw new Error(`x must be rows of ${t} samples, the PCA's input size`);
  const basis: Dense = { rows: t, cols: k, data: new Float32Array(t * k) };
  const meanProjection = new Float64Array(k);
  model.components.forEach((v, j) =>
    v.forEach((e, c) => {
      basis.data[c * k + j] = e;
      meanProjection[j] += model.mean[c] * e;
    })
  );
  const out = new Float32Array(n * k);
  // Rows per product: what one binding holds and matmul's grid of TILE-row workgroups reaches.
  const maxRows = TILE * runtime.device.limits.maxComputeWorkgroupsPerDimension;
  for (const { start, count } of chunks(n, Math.min(runtime.itemsPerBinding(t * 4), maxRows))) {
    const part = await matmulGpu(
      runtime,
      { rows: count, cols: t, data: x.subarray(start * t, (start + count) * t) },
      basis,
    );
    for (let i = 0; i < count * k; i++) out[start * k + i] = part.data[i] - meanProjection[i % k];
  }
  return out;
}
