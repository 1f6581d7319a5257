/**
 * Monotonic rational-quadratic spline (Durkan et al. 2019, "Neural Spline Flows") on [-B, B] with linear (identity)
 * tails, as nflows' `unconstrained_rational_quadratic_spline`: K bins, minimum bin width/height and derivative 10⁻³,
 * boundary derivatives fixed to 1 so the spline joins the identity tails smoothly.
 */
import * as tf from "@tensorflow/tfjs";

export interface SplineOptions {
  tailBound: number;
  minBinWidth?: number;
  minBinHeight?: number;
  minDerivative?: number;
}

export interface SplineParameters {
  /** [batch, features, K] unnormalised bin widths and heights, [batch, features, K − 1] interior derivatives. */
  widths: tf.Tensor;
  heights: tf.Tensor;
  derivatives: tf.Tensor;
}

/** Forward map of each input and log |dy/dx|, both [batch, features]. */
export function splineForward(
  inputs: tf.Tensor,
  params: SplineParameters,
  options: SplineOptions,
): { outputs: tf.Tensor; logAbsDet: tf.Tensor } {
  const bound = options.tailBound;
  const x = tf.clipByValue(inputs, -bound, bound);
  const knots = splineKnots(params, options);
  const bin = selectBin(x, knots.xs, knots);
  const t = tf.div(tf.sub(x, bin.x0), bin.width);
  const tOneMinusT = tf.mul(t, tf.sub(1, t));
  const slope = tf.div(bin.height, bin.width);
  const numerator = tf.mul(bin.height, tf.add(tf.mul(slope, tf.square(t)), tf.mul(bin.d0, tOneMinusT)));
  const denominator = tf.add(slope, tf.mul(tf.sub(tf.add(bin.d0, bin.d1), tf.mul(2, slope)), tOneMinusT));
  const y = tf.add(bin.y0, tf.div(numerator, denominator));
  const derivativeNumerator = tf.mul(
    tf.square(slope),
    tf.addN([
      tf.mul(bin.d1, tf.square(t)),
      tf.mul(tf.mul(2, slope), tOneMinusT),
      tf.mul(bin.d0, tf.square(tf.sub(1, t))),
    ]),
  );
  const logAbsDet = tf.sub(tf.log(derivativeNumerator), tf.mul(2, tf.log(denominator)));
  const inside = insideInterval(inputs, bound);
  return { outputs: blend(inside, y, inputs), logAbsDet: tf.mul(inside, logAbsDet) };
}

/** Inverse map (the root of the quadratic in the bin found from the output side). */
export function splineInverse(outputs: tf.Tensor, params: SplineParameters, options: SplineOptions): tf.Tensor {
  const bound = options.tailBound;
  const y = tf.clipByValue(outputs, -bound, bound);
  const knots = splineKnots(params, options);
  const bin = selectBin(y, knots.ys, knots);
  const slope = tf.div(bin.height, bin.width);
  const dy = tf.sub(y, bin.y0);
  const curvature = tf.sub(tf.add(bin.d0, bin.d1), tf.mul(2, slope));
  const a = tf.add(tf.mul(bin.height, tf.sub(slope, bin.d0)), tf.mul(dy, curvature));
  const b = tf.sub(tf.mul(bin.height, bin.d0), tf.mul(dy, curvature));
  const c = tf.neg(tf.mul(slope, dy));
  const discriminant = tf.relu(tf.sub(tf.square(b), tf.mul(4, tf.mul(a, c))));
  const root = tf.div(tf.mul(2, c), tf.sub(tf.neg(b), tf.sqrt(discriminant)));
  const x = tf.add(tf.mul(root, bin.width), bin.x0);
  return blend(insideInterval(outputs, bound), x, outputs);
}

interface Knots {
  /** [batch, features, K + 1] knot positions; [.., K] widths and heights; [.., K + 1] derivatives. */
  xs: tf.Tensor;
  ys: tf.Tensor;
  widths: tf.Tensor;
  heights: tf.Tensor;
  derivatives: tf.Tensor;
}

function splineKnots(params: SplineParameters, options: SplineOptions): Knots {
  const minDerivative = options.minDerivative ?? 1e-3;
  const [xs, widths] = binEdges(params.widths, options.tailBound, options.minBinWidth ?? 1e-3);
  const [ys, heights] = binEdges(params.heights, options.tailBound, options.minBinHeight ?? 1e-3);
  // Boundary derivatives: softplus(c) + min = 1, matching the identity tails.
  const boundary = Math.log(Math.expm1(1 - minDerivative));
  const padded = tf.pad(params.derivatives, [[0, 0], [0, 0], [1, 1]], boundary);
  const derivatives = tf.add(tf.softplus(padded), minDerivative);
  return { xs, ys, widths, heights, derivatives };
}

/** Softmax bin sizes (at least `minSize` of the interval each) → knot positions on [-B, B] and bin sizes. */
function binEdges(unnormalised: tf.Tensor, bound: number, minSize: number): [tf.Tensor, tf.Tensor] {
  const bins = unnormalised.shape[2]!;
  const fractions = tf.add(minSize, tf.mul(1 - minSize * bins, tf.softmax(unnormalised)));
  const [batch, features] = unnormalised.shape;
  const interior = tf.slice(tf.cumsum(fractions, 2), [0, 0, 0], [batch, features!, bins - 1]);
  const edges = tf.concat([
    tf.fill([batch, features!, 1], -bound),
    tf.sub(tf.mul(2 * bound, interior), bound),
    tf.fill([batch, features!, 1], bound),
  ], 2);
  const sizes = tf.sub(tf.slice(edges, [0, 0, 1], [-1, -1, bins]), tf.slice(edges, [0, 0, 0], [-1, -1, bins]));
  return [edges, sizes];
}

/** The bin holding each value, as one-hot selections of the quantities the spline formula needs. */
function selectBin(values: tf.Tensor, edges: tf.Tensor, knots: Knots) {
  const bins = knots.widths.shape[2]!;
  const left = tf.slice(edges, [0, 0, 0], [-1, -1, bins]);
  // Values are clipped to [-B, B], so the first bin's left edge is always passed.
  const passed = tf.step(tf.sub(tf.expandDims(values, 2), tf.slice(left, [0, 0, 1], [-1, -1, bins - 1])));
  const above = tf.concat([tf.onesLike(tf.slice(left, [0, 0, 0], [-1, -1, 1])), passed], 2);
  const aboveNext = tf.concat([
    tf.slice(above, [0, 0, 1], [-1, -1, bins - 1]),
    tf.zerosLike(tf.slice(above, [0, 0, 0], [-1, -1, 1])),
  ], 2);
  const oneHot = tf.sub(above, aboveNext);
  const pick = (t: tf.Tensor, offset = 0) => tf.sum(tf.mul(oneHot, tf.slice(t, [0, 0, offset], [-1, -1, bins])), 2);
  return {
    x0: pick(knots.xs),
    y0: pick(knots.ys),
    width: pick(knots.widths),
    height: pick(knots.heights),
    d0: pick(knots.derivatives),
    d1: pick(knots.derivatives, 1),
  };
}

/**
 * 1 strictly inside [-B, B], else 0, built from `step` (whose gradient is zero) because tfjs has no gradient for
 * boolean ops; at ±B the spline equals the identity, so either side is right there.
 */
function insideInterval(values: tf.Tensor, bound: number): tf.Tensor {
  return tf.step(tf.sub(bound, tf.abs(values)));
}

function blend(mask: tf.Tensor, inside: tf.Tensor, outside: tf.Tensor): tf.Tensor {
  return tf.add(tf.mul(mask, inside), tf.mul(tf.sub(1, mask), outside));
}
