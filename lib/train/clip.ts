/** Gradient clipping by global norm, as sbi does before each Adam step. */
import * as tf from "@tensorflow/tfjs";

/** PyTorch's clip_grad_norm_: scale all gradients by min(1, max / (‖g‖ + 10⁻⁶)). */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    // Added pairwise, not with tf.addN: tfjs-webgpu builds one kernel with a buffer per input, and a flow's
    // dozens of parameters overflow the 16 storage buffers a shader may bind (the sum then silently goes wrong).
    const squares = names.map((n) => tf.sum(tf.square(grads[n])));
    const norm = tf.sqrt(squares.reduce((sum, s) => tf.add(sum, s)));
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    return Object.fromEntries(names.map((n) => [n, tf.mul(grads[n], scale)]));
  });
}
