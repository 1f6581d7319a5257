/** NPE's loss (first round): the mean negative log density of the simulated θ under q(θ | x). */
import * as tf from "@tensorflow/tfjs";
import type { ConditionalFlow } from "../flows/flow.ts";

export function npeLoss(flow: ConditionalFlow, theta: tf.Tensor, x: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(flow.logProb(theta, x))) as tf.Scalar;
}
