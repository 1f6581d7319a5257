/** One invertible, context-conditioned step of a flow; `forward` runs from θ towards the base distribution. */
import type * as tf from "@tensorflow/tfjs";

export interface ForwardResult {
  outputs: tf.Tensor;
  /** log |det ∂outputs/∂inputs| per row. */
  logAbsDet: tf.Tensor;
}

export interface Transform {
  forward(inputs: tf.Tensor, context: tf.Tensor): ForwardResult;
  /** The exact inverse of `forward` (used for sampling). */
  inverse(outputs: tf.Tensor, context: tf.Tensor): tf.Tensor;
}
