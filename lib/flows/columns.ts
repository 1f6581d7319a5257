/**
 * Column selection as a product with a 0/1 matrix: tfjs's wasm backend lacks the kernel behind `gather`'s gradient
 * (UnsortedSegmentSum), and for a flow's few θ columns the product costs nothing.
 */
import * as tf from "@tensorflow/tfjs";

/** S with x S = x[:, columns] for x of `features` columns. */
export function columnSelector(columns: readonly number[], features: number): tf.Tensor {
  const s = new Float32Array(features * columns.length);
  columns.forEach((feature, j) => (s[feature * columns.length + j] = 1));
  return tf.tensor2d(s, [features, columns.length]);
}
