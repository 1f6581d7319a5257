// Dense layers of the flows' networks, y = act(x (W ⊙ M) + b [+ y]), and their backward passes; one thread per
// output value. Row-major: x [rows, in], W [in, out] (the tfjs layout), y [rows, out]. The layers are narrow (tens
// of features), so each thread's dot product is short and reads memory its neighbours read too; on the software
// adapter this beat 16×16 tiles staged in workgroup memory by 10× (barriers are costly there).
// Gradients travel as dL/d(pre-activation): the backward pass of a layer multiplies dL/dx by the slope of the
// activation that produced x (known from x itself), so the layer before needs no extra pass.
// Arguments: 0 in, 1 out, 2 activation of y, 3 x offset (acts), 4 y offset (acts), 5 W offset (params), 6 b offset
// (params), 7 mask offset (consts, NONE: unmasked), 8 accumulate into the target (1) or overwrite (0),
// 9 dL/d(pre y) offset (acts), 10 dL/d(pre x) offset (acts), 11 dL/dW offset (grads), 12 dL/db offset (grads),
// 13 activation that produced x, 14 activation applied to x on the way in (a ReLU before the layer; NONE: none).
// A b offset of NONE means no bias (a layer split over two inputs adds its bias once).

fn input(at: u32) -> f32 {
  let x = acts[at];
  if (arg(14u) == NONE) { return x; }
  return activate(x, arg(14u));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn forward(@builtin(global_invocation_id) id: vec3<u32>) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let r = id.x / out_f;
  let j = id.x % out_f;
  if (r >= step.rows) { return; }
  let x0 = arg(3u) + r * in_f;
  let w0 = arg(5u) + j;
  let m0 = arg(7u);
  var acc = 0.0;
  if (m0 == NONE) {
    for (var k = 0u; k < in_f; k++) { acc += input(x0 + k) * params[w0 + k * out_f]; }
  } else {
    for (var k = 0u; k < in_f; k++) { acc += input(x0 + k) * (params[w0 + k * out_f] * consts[m0 + j + k * out_f]); }
  }
  let at = arg(4u) + r * out_f + j;
  var pre = acc;
  if (arg(6u) != NONE) { pre += params[arg(6u) + j]; }
  if (arg(8u) == 1u) { pre += acts[at]; }
  acts[at] = activate(pre, arg(2u));
}

// dL/d(pre x) = (dL/d(pre y) (W ⊙ M)ᵀ) · act'(x).
@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_input(@builtin(global_invocation_id) id: vec3<u32>) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let r = id.x / in_f;
  let i = id.x % in_f;
  if (r >= step.rows) { return; }
  let g0 = arg(9u) + r * out_f;
  let w0 = arg(5u) + i * out_f;
  let m0 = arg(7u);
  var acc = 0.0;
  if (m0 == NONE) {
    for (var j = 0u; j < out_f; j++) { acc += acts[g0 + j] * params[w0 + j]; }
  } else {
    for (var j = 0u; j < out_f; j++) { acc += acts[g0 + j] * (params[w0 + j] * consts[m0 + i * out_f + j]); }
  }
  acc *= activation_slope(acts[arg(3u) + r * in_f + i], arg(13u));
  let at = arg(10u) + r * in_f + i;
  if (arg(8u) == 1u) { acc += acts[at]; }
  acts[at] = acc;
}

// dL/dW = M ⊙ xᵀ dL/d(pre y) and dL/db = Σ_rows dL/d(pre y), the bias as row `in` of W with x = 1 there; one
// thread per weight sums rows [r0, r1). A batch of at most ROW_BLOCK rows is summed by backward_weight directly;
// a larger one in blocks of ROW_BLOCK rows (backward_weight_blocks, partial sums in `moments` from argument 15)
// added up in a fixed order by backward_weight_reduce, so a wide GPU has weights × blocks threads to run.

fn weight_count() -> u32 {
  return (arg(0u) + 1u) * arg(1u);
}

// Whether weight `w` exists (the bias row only when the layer has a bias).
fn has_weight(w: u32) -> bool {
  return w < arg(0u) * arg(1u) || (w < weight_count() && arg(6u) != NONE);
}

fn weight_grad_sum(w: u32, r0: u32, r1: u32) -> f32 {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let i = w / out_f;
  let j = w % out_f;
  let g0 = arg(9u) + j;
  var acc = 0.0;
  if (i == in_f) {
    for (var r = r0; r < r1; r++) { acc += acts[g0 + r * out_f]; }
    return acc;
  }
  let x0 = arg(3u) + i;
  for (var r = r0; r < r1; r++) { acc += input(x0 + r * in_f) * acts[g0 + r * out_f]; }
  return acc;
}

fn store_weight_grad(w: u32, value: f32) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  if (w >= in_f * out_f) {
    grads[arg(12u) + w - in_f * out_f] = value;
    return;
  }
  var g = value;
  if (arg(7u) != NONE) { g *= consts[arg(7u) + w]; }
  grads[arg(11u) + w] = g;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_weight(@builtin(global_invocation_id) id: vec3<u32>) {
  let w = id.x;
  if (!has_weight(w)) { return; }
  store_weight_grad(w, weight_grad_sum(w, 0u, step.rows));
}

// Workgroups: x over the weights, y over the row blocks.
@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_weight_blocks(@builtin(global_invocation_id) id: vec3<u32>) {
  let count = weight_count();
  let w = id.x;
  let block = id.y;
  let r0 = block * ROW_BLOCK;
  if (!has_weight(w) || r0 >= step.rows) { return; }
  moments[arg(15u) + block * count + w] = weight_grad_sum(w, r0, min(r0 + ROW_BLOCK, step.rows));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_weight_reduce(@builtin(global_invocation_id) id: vec3<u32>) {
  let count = weight_count();
  let w = id.x;
  if (!has_weight(w)) { return; }
  let blocks = (step.rows + ROW_BLOCK - 1u) / ROW_BLOCK;
  var acc = 0.0;
  for (var block = 0u; block < blocks; block++) { acc += moments[arg(15u) + block * count + w]; }
  store_weight_grad(w, acc);
}
