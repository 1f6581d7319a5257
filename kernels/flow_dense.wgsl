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

@compute @workgroup_size(64)
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
@compute @workgroup_size(64)
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

// dL/dW = M ⊙ xᵀ dL/d(pre y) and dL/db = Σ_rows dL/d(pre y), the bias as row `in` of W with x = 1 there.
@compute @workgroup_size(64)
fn backward_weight(@builtin(global_invocation_id) id: vec3<u32>) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let i = id.x / out_f;
  let j = id.x % out_f;
  if (i > in_f || (i == in_f && arg(6u) == NONE)) { return; }
  let rows = step.rows;
  let g0 = arg(9u) + j;
  var acc = 0.0;
  if (i == in_f) {
    for (var r = 0u; r < rows; r++) { acc += acts[g0 + r * out_f]; }
    grads[arg(12u) + j] = acc;
    return;
  }
  let x0 = arg(3u) + i;
  for (var r = 0u; r < rows; r++) { acc += input(x0 + r * in_f) * acts[g0 + r * out_f]; }
  if (arg(7u) != NONE) { acc *= consts[arg(7u) + i * out_f + j]; }
  grads[arg(11u) + i * out_f + j] = acc;
}
