// NSF's steps, one thread per row: the rational-quadratic spline coupling (nflows' unconstrained spline with
// identity tails on [-B, B]) with its log-det and backward pass, the residual blocks' context gate, and the LU
// linear layer that follows each coupling.

// A spline has at most MAX_BINS bins (knot arrays of MAX_BINS + 1, probabilities of MAX_BINS; nsf_step.ts checks).

// ---- coupling -------------------------------------------------------------------------------------------------
// Arguments: 0 d, 1 z in, 2 z out, 3 spline parameters (rows × T·(3K−1)), 4 log-det, 5 K, 6 B (f32),
// 7 scale of the width and height logits (f32), 8 transformed columns (consts), 9 T, 10 identity columns (consts),
// 11 I, 12 overwrite the log-det (1) or add (0), 13 identity columns out (rows × I), 14 dL/dz out, 15 dL/dz in,
// 16 dL/d(spline parameters).
// Spline sizes: a minimum bin width, height and derivative of 10⁻³, boundary derivatives 1 (the tails' slope).

fn column(list: u32, k: u32) -> u32 {
  return u32(consts[arg(list) + k]);
}

// Knot positions (edges[0..K]) and softmax probabilities of one side (widths or heights) of one spline.
fn knots(at: u32, edges: ptr<function, array<f32, MAX_BINS + 1>>, probs: ptr<function, array<f32, MAX_BINS>>) {
  let bins = arg(5u);
  let bound = argf(6u);
  let scale = argf(7u);
  var top = -3.0e38;
  for (var i = 0u; i < bins; i++) { top = max(top, acts[at + i] * scale); }
  var total = 0.0;
  for (var i = 0u; i < bins; i++) {
    let e = exp(acts[at + i] * scale - top);
    (*probs)[i] = e;
    total += e;
  }
  var cumulative = 0.0;
  (*edges)[0] = -bound;
  for (var i = 0u; i < bins; i++) {
    (*probs)[i] = (*probs)[i] / total;
    cumulative += 1e-3 + (1.0 - 1e-3 * f32(bins)) * (*probs)[i];
    (*edges)[i + 1u] = 2.0 * bound * cumulative - bound;
  }
  (*edges)[bins] = bound;
}

// Knot derivatives: softplus of the K−1 interior logits plus 10⁻³, the boundary ones the tails' slope.
fn derivative(at: u32, j: u32) -> f32 {
  if (j == 0u || j == arg(5u)) { return softplus(log(exp(1.0 - 1e-3) - 1.0)) + 1e-3; }
  return softplus(acts[at + j - 1u]) + 1e-3;
}

// The bin holding v: the last k with v > edges[k] (k ≥ 1), else 0.
fn find_bin(v: f32, edges: ptr<function, array<f32, MAX_BINS + 1>>) -> u32 {
  var k = 0u;
  for (var j = 1u; j < arg(5u); j++) {
    if (v - (*edges)[j] > 0.0) { k = j; }
  }
  return k;
}

fn spline_base(r: u32, t: u32) -> u32 {
  let per = 3u * arg(5u) - 1u;
  return arg(3u) + (r * arg(9u) + t) * per;
}

// The bin of one spline (parameters at `base`) that holds `value`, searched among the input knots or, for the
// inverse, the output knots: its index, width, height, slope and end derivatives. The knots and probabilities of
// both sides stay in xe, ye, px and py for the caller (the backward pass needs them).
struct SplineBin { k: u32, w: f32, h: f32, s: f32, d0: f32, d1: f32 }

fn spline_bin(
  base: u32,
  value: f32,
  from_output: bool,
  xe: ptr<function, array<f32, MAX_BINS + 1>>,
  ye: ptr<function, array<f32, MAX_BINS + 1>>,
  px: ptr<function, array<f32, MAX_BINS>>,
  py: ptr<function, array<f32, MAX_BINS>>,
) -> SplineBin {
  let bins = arg(5u);
  knots(base, xe, px);
  knots(base + bins, ye, py);
  var k: u32;
  if (from_output) { k = find_bin(value, ye); } else { k = find_bin(value, xe); }
  let w = (*xe)[k + 1u] - (*xe)[k];
  let h = (*ye)[k + 1u] - (*ye)[k];
  return SplineBin(k, w, h, h / w, derivative(base + 2u * bins, k), derivative(base + 2u * bins, k + 1u));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn coupling_split(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let identity = arg(11u);
  for (var k = 0u; k < identity; k++) {
    acts[arg(13u) + r * identity + k] = acts[arg(1u) + r * arg(0u) + column(10u, k)];
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn spline_forward(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  let bound = argf(6u);
  for (var k = 0u; k < arg(11u); k++) {
    let c = column(10u, k);
    acts[arg(2u) + r * d + c] = acts[arg(1u) + r * d + c];
  }
  var log_det = 0.0;
  var xe: array<f32, MAX_BINS + 1>;
  var ye: array<f32, MAX_BINS + 1>;
  var px: array<f32, MAX_BINS>;
  var py: array<f32, MAX_BINS>;
  for (var t = 0u; t < arg(9u); t++) {
    let c = column(8u, t);
    let value = acts[arg(1u) + r * d + c];
    var out = value;
    if (bound - abs(value) > 0.0) {
      let base = spline_base(r, t);
      let bin = spline_bin(base, value, false, &xe, &ye, &px, &py);
      let k = bin.k;
      let w = bin.w;
      let h = bin.h;
      let d0 = bin.d0;
      let d1 = bin.d1;
      let s = bin.s;
      let u = (value - xe[k]) / w;
      let q = u * (1.0 - u);
      let numerator = h * (s * u * u + d0 * q);
      let denominator = s + (d0 + d1 - 2.0 * s) * q;
      out = ye[k] + numerator / denominator;
      let slope = s * s * (d1 * u * u + 2.0 * s * q + d0 * (1.0 - u) * (1.0 - u));
      log_det += log(slope) - 2.0 * log(denominator);
    }
    acts[arg(2u) + r * d + c] = out;
  }
  let at = arg(4u) + r;
  if (arg(12u) == 1u) { acts[at] = log_det; } else { acts[at] += log_det; }
}

// dL/dz in (identity columns pass dL/dz out through; the conditioner's share is added by coupling_merge) and
// dL/d(spline parameters), with each log-det entering the loss with weight -1/rows.
@compute @workgroup_size(WORKGROUP_SIZE)
fn spline_backward(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  let bins = arg(5u);
  let bound = argf(6u);
  let scale = argf(7u);
  let per = 3u * bins - 1u;
  for (var k = 0u; k < arg(11u); k++) {
    let c = column(10u, k);
    acts[arg(15u) + r * d + c] = acts[arg(14u) + r * d + c];
  }
  let g_log_det = -step.inv_rows;
  var xe: array<f32, MAX_BINS + 1>;
  var ye: array<f32, MAX_BINS + 1>;
  var px: array<f32, MAX_BINS>;
  var py: array<f32, MAX_BINS>;
  var gx_edge: array<f32, MAX_BINS + 1>;
  var gy_edge: array<f32, MAX_BINS + 1>;
  for (var t = 0u; t < arg(9u); t++) {
    let c = column(8u, t);
    let value = acts[arg(1u) + r * d + c];
    let g_out = acts[arg(14u) + r * d + c];
    let base = spline_base(r, t);
    let g_base = arg(16u) + (r * arg(9u) + t) * per;
    for (var i = 0u; i < per; i++) { acts[g_base + i] = 0.0; }
    if (!(bound - abs(value) > 0.0)) {
      acts[arg(15u) + r * d + c] = g_out;
      continue;
    }
    let bin = spline_bin(base, value, false, &xe, &ye, &px, &py);
    let k = bin.k;
    let w = bin.w;
    let h = bin.h;
    let d0 = bin.d0;
    let d1 = bin.d1;
    let s = bin.s;
    let u = (value - xe[k]) / w;
    let q = u * (1.0 - u);
    let numerator = h * (s * u * u + d0 * q);
    let denominator = s + (d0 + d1 - 2.0 * s) * q;
    let shape = d1 * u * u + 2.0 * s * q + d0 * (1.0 - u) * (1.0 - u);
    let slope = s * s * shape;
    // Reverse mode through y = y0 + numerator / denominator and log-det = log slope − 2 log denominator.
    let g_num = g_out / denominator;
    let g_den = -g_out * numerator / (denominator * denominator) - 2.0 * g_log_det / denominator;
    let g_slope = g_log_det / slope;
    var g_s = g_slope * (2.0 * s * shape + s * s * 2.0 * q) + g_den * (1.0 - 2.0 * q) + g_num * h * u * u;
    var g_u = g_slope * s * s * (2.0 * d1 * u + 2.0 * s * (1.0 - 2.0 * u) - 2.0 * d0 * (1.0 - u)) +
      g_den * (d0 + d1 - 2.0 * s) * (1.0 - 2.0 * u) + g_num * h * (2.0 * s * u + d0 * (1.0 - 2.0 * u));
    let g_d0 = g_slope * s * s * (1.0 - u) * (1.0 - u) + g_den * q + g_num * h * q;
    let g_d1 = g_slope * s * s * u * u + g_den * q;
    var g_h = g_num * (s * u * u + d0 * q) + g_s / w;
    let g_w = -g_s * h / (w * w) - g_u * u / w;
    acts[arg(15u) + r * d + c] = g_u / w;
    for (var i = 0u; i <= bins; i++) {
      gx_edge[i] = 0.0;
      gy_edge[i] = 0.0;
    }
    gx_edge[k] += -g_u / w - g_w;
    gx_edge[k + 1u] += g_w;
    gy_edge[k] += g_out - g_h;
    gy_edge[k + 1u] += g_h;
    softmax_backward(g_base, &gx_edge, &px, scale);
    softmax_backward(g_base + bins, &gy_edge, &py, scale);
    // Interior derivatives j = 1..K−1 come from logits j − 1.
    if (k >= 1u) { acts[g_base + 2u * bins + k - 1u] = g_d0 * sigmoid(acts[base + 2u * bins + k - 1u]); }
    if (k + 1u < bins) { acts[g_base + 2u * bins + k] = g_d1 * sigmoid(acts[base + 2u * bins + k]); }
  }
}

// Logit gradients from the interior edges' gradients: edge j = 2B·cumsum(f)[j−1] − B, f = min + (1 − K·min)·p.
fn softmax_backward(at: u32, g_edge: ptr<function, array<f32, MAX_BINS + 1>>, probs: ptr<function, array<f32, MAX_BINS>>, scale: f32) {
  let bins = arg(5u);
  let bound = argf(6u);
  var g_f: array<f32, MAX_BINS>;
  var suffix = 0.0;
  for (var i = bins; i > 0u; i--) {
    let m = i - 1u;
    if (m + 1u < bins) { suffix += 2.0 * bound * (*g_edge)[m + 1u]; }
    g_f[m] = suffix * (1.0 - 1e-3 * f32(bins));
  }
  var dot = 0.0;
  for (var i = 0u; i < bins; i++) { dot += (*probs)[i] * g_f[i]; }
  for (var i = 0u; i < bins; i++) { acts[at + i] = scale * (*probs)[i] * (g_f[i] - dot); }
}

// Inverse: the root of the spline's quadratic in the bin found from the output side.
@compute @workgroup_size(WORKGROUP_SIZE)
fn spline_inverse(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  let bound = argf(6u);
  for (var k = 0u; k < arg(11u); k++) {
    let c = column(10u, k);
    acts[arg(1u) + r * d + c] = acts[arg(2u) + r * d + c];
  }
  var xe: array<f32, MAX_BINS + 1>;
  var ye: array<f32, MAX_BINS + 1>;
  var px: array<f32, MAX_BINS>;
  var py: array<f32, MAX_BINS>;
  for (var t = 0u; t < arg(9u); t++) {
    let c = column(8u, t);
    let value = acts[arg(2u) + r * d + c];
    var out = value;
    if (bound - abs(value) > 0.0) {
      let base = spline_base(r, t);
      let bin = spline_bin(base, value, true, &xe, &ye, &px, &py);
      let k = bin.k;
      let w = bin.w;
      let h = bin.h;
      let d0 = bin.d0;
      let d1 = bin.d1;
      let s = bin.s;
      let dy = value - ye[k];
      let curvature = d0 + d1 - 2.0 * s;
      let a = h * (s - d0) + dy * curvature;
      let b = h * d0 - dy * curvature;
      let c2 = -s * dy;
      let discriminant = max(b * b - 4.0 * a * c2, 0.0);
      let root = (2.0 * c2) / (-b - sqrt(discriminant));
      out = root * w + xe[k];
    }
    acts[arg(1u) + r * d + c] = out;
  }
}

// dL/dz in at the identity columns += the conditioner's dL/d(identity columns) (rows × I at argument 13).
@compute @workgroup_size(WORKGROUP_SIZE)
fn coupling_merge(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let identity = arg(11u);
  for (var k = 0u; k < identity; k++) {
    acts[arg(15u) + r * arg(0u) + column(10u, k)] += acts[arg(13u) + r * identity + k];
  }
}

// ---- residual blocks -------------------------------------------------------------------------------------------
// h' = h + u · g, g = sigmoid(gate(context)) already applied. Arguments: 0 width, 1 h, 2 u, 3 g, 4 h',
// 5 dL/dh', 6 dL/du, 7 dL/d(pre g), 8 dL/dh (set to dL/dh'; the block's first layer adds its share).
@compute @workgroup_size(WORKGROUP_SIZE)
fn gate_forward(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= step.rows * arg(0u)) { return; }
  acts[arg(4u) + i] = acts[arg(1u) + i] + acts[arg(2u) + i] * acts[arg(3u) + i];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gate_backward(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= step.rows * arg(0u)) { return; }
  let g_out = acts[arg(5u) + i];
  let g = acts[arg(3u) + i];
  acts[arg(6u) + i] = g_out * g;
  acts[arg(7u) + i] = g_out * acts[arg(2u) + i] * g * (1.0 - g);
  acts[arg(8u) + i] = g_out;
}

// ---- LU linear: y = x Wᵀ + b, W = L U ---------------------------------------------------------------------------
// Arguments: 0 d, 1 lower, 2 upper, 3 diagonal logits, 4 bias (params), 5 W (acts, d × d, then Σ log diag),
// 6 x, 7 y, 8 log-det, 9 dL/dy, 10 dL/dx, 11 dL/dW (acts, d × d), 12 lower, 13 upper, 14 diagonal, 15 bias (grads).

fn lu_lower(i: u32, j: u32) -> f32 {
  if (i == j) { return 1.0; }
  if (j > i) { return 0.0; }
  return params[arg(1u) + i * arg(0u) + j];
}

fn lu_upper(i: u32, j: u32) -> f32 {
  if (i == j) { return softplus(params[arg(3u) + i]) + 1e-3; }
  if (j < i) { return 0.0; }
  return params[arg(2u) + i * arg(0u) + j];
}

@compute @workgroup_size(1)
fn lu_weight() {
  let d = arg(0u);
  var log_det = 0.0;
  for (var i = 0u; i < d; i++) {
    for (var j = 0u; j < d; j++) {
      var w = 0.0;
      for (var k = 0u; k < d; k++) { w += lu_lower(i, k) * lu_upper(k, j); }
      acts[arg(5u) + i * d + j] = w;
    }
    log_det += log(lu_upper(i, i));
  }
  acts[arg(5u) + d * d] = log_det;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn lu_forward(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  for (var i = 0u; i < d; i++) {
    var y = params[arg(4u) + i];
    for (var j = 0u; j < d; j++) { y += acts[arg(5u) + i * d + j] * acts[arg(6u) + r * d + j]; }
    acts[arg(7u) + r * d + i] = y;
  }
  acts[arg(8u) + r] += acts[arg(5u) + d * d];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn lu_backward_input(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  for (var j = 0u; j < d; j++) {
    var g = 0.0;
    for (var i = 0u; i < d; i++) { g += acts[arg(9u) + r * d + i] * acts[arg(5u) + i * d + j]; }
    acts[arg(10u) + r * d + j] = g;
  }
}

// dL/dW [i, j] = Σ_rows dL/dy_i x_j (and the bias gradient as row d), one thread each.
@compute @workgroup_size(WORKGROUP_SIZE)
fn lu_backward_weight(@builtin(global_invocation_id) id: vec3<u32>) {
  let d = arg(0u);
  let i = id.x / d;
  let j = id.x % d;
  if (i > d) { return; }
  var g = 0.0;
  if (i == d) {
    for (var r = 0u; r < step.rows; r++) { g += acts[arg(9u) + r * d + j]; }
    grads[arg(15u) + j] = g;
    return;
  }
  for (var r = 0u; r < step.rows; r++) { g += acts[arg(9u) + r * d + i] * acts[arg(6u) + r * d + j]; }
  acts[arg(11u) + i * d + j] = g;
}

// The factors' gradients from dL/dW: dL/dL = dL/dW Uᵀ (strictly lower part), dL/dU = Lᵀ dL/dW (upper part), the
// diagonal also through the log-det (weight -1 after the mean over rows).
@compute @workgroup_size(1)
fn lu_factor_grads() {
  let d = arg(0u);
  for (var i = 0u; i < d; i++) {
    for (var j = 0u; j < d; j++) {
      var lower = 0.0;
      var upper = 0.0;
      if (j < i) {
        for (var k = 0u; k < d; k++) { lower += acts[arg(11u) + i * d + k] * lu_upper(j, k); }
      }
      if (j >= i) {
        for (var k = 0u; k < d; k++) { upper += lu_lower(k, i) * acts[arg(11u) + k * d + j]; }
      }
      grads[arg(12u) + i * d + j] = lower;
      if (j == i) {
        let logit = params[arg(3u) + i];
        grads[arg(13u) + i * d + j] = 0.0;
        grads[arg(14u) + i] = (upper - 1.0 / lu_upper(i, i)) * sigmoid(logit);
      } else {
        grads[arg(13u) + i * d + j] = upper;
      }
    }
  }
}

// x from y by two triangular solves (L unit lower, then U).
@compute @workgroup_size(WORKGROUP_SIZE)
fn lu_inverse(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  for (var i = 0u; i < d; i++) {
    var v = acts[arg(7u) + r * d + i] - params[arg(4u) + i];
    for (var j = 0u; j < i; j++) { v -= lu_lower(i, j) * acts[arg(6u) + r * d + j]; }
    acts[arg(6u) + r * d + i] = v;
  }
  for (var step_back = 0u; step_back < d; step_back++) {
    let i = d - 1u - step_back;
    var v = acts[arg(6u) + r * d + i];
    for (var j = i + 1u; j < d; j++) { v -= lu_upper(i, j) * acts[arg(6u) + r * d + j]; }
    acts[arg(6u) + r * d + i] = v / lu_upper(i, i);
  }
}
