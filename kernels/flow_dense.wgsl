// Dense layers of the flows' networks, y = act(x (W ⊙ M) + b [+ y]), and their backward passes, as 16×16 tiles
// staged in workgroup memory. Row-major: x [rows, in], W [in, out] (the tfjs layout), y [rows, out].
// Arguments: 0 in, 1 out, 2 activation, 3 x offset (acts), 4 y offset (acts), 5 W offset (params), 6 b offset
// (params), 7 mask offset (consts, NONE: unmasked), 8 accumulate into the target (1) or overwrite (0),
// 9 dL/dy offset (acts), 10 dL/dx offset (acts), 11 dL/dW offset (grads), 12 dL/db offset (grads).

const TILE: u32 = 16u;
var<workgroup> tile_a: array<array<f32, 16>, 16>;
var<workgroup> tile_b: array<array<f32, 16>, 16>;

fn weight(i: u32, j: u32) -> f32 {
  let w = params[arg(5u) + i * arg(1u) + j];
  if (arg(7u) == NONE) { return w; }
  return w * consts[arg(7u) + i * arg(1u) + j];
}

// dL/d(pre-activation) of output (r, j).
fn pre_grad(r: u32, j: u32) -> f32 {
  let at = r * arg(1u) + j;
  return acts[arg(9u) + at] * activation_slope(acts[arg(4u) + at], arg(2u));
}

@compute @workgroup_size(16, 16)
fn forward(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) g: vec3<u32>) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let r = g.y * TILE + l.y;
  let j = g.x * TILE + l.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < in_f; k0 += TILE) {
    var a = 0.0;
    if (r < step.rows && k0 + l.x < in_f) { a = acts[arg(3u) + r * in_f + k0 + l.x]; }
    var b = 0.0;
    if (k0 + l.y < in_f && j < out_f) { b = weight(k0 + l.y, j); }
    tile_a[l.y][l.x] = a;
    tile_b[l.y][l.x] = b;
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) { acc += tile_a[l.y][k] * tile_b[k][l.x]; }
    workgroupBarrier();
  }
  if (r < step.rows && j < out_f) {
    let at = arg(4u) + r * out_f + j;
    var pre = acc + params[arg(6u) + j];
    if (arg(8u) == 1u) { pre += acts[at]; }
    acts[at] = activate(pre, arg(2u));
  }
}

// dL/dx = dL/d(pre) (W ⊙ M)ᵀ.
@compute @workgroup_size(16, 16)
fn backward_input(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) g: vec3<u32>) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let r = g.y * TILE + l.y;
  let i = g.x * TILE + l.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < out_f; k0 += TILE) {
    var a = 0.0;
    if (r < step.rows && k0 + l.x < out_f) { a = pre_grad(r, k0 + l.x); }
    var b = 0.0;
    if (k0 + l.y < out_f && i < in_f) { b = weight(i, k0 + l.y); }
    tile_a[l.y][l.x] = a;
    tile_b[l.y][l.x] = b;
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) { acc += tile_a[l.y][k] * tile_b[k][l.x]; }
    workgroupBarrier();
  }
  if (r < step.rows && i < in_f) {
    let at = arg(10u) + r * in_f + i;
    if (arg(8u) == 1u) { acc += acts[at]; }
    acts[at] = acc;
  }
}

// dL/dW = M ⊙ xᵀ dL/d(pre) and dL/db = Σ_rows dL/d(pre), the bias as row `in` of W with x = 1 there.
@compute @workgroup_size(16, 16)
fn backward_weight(@builtin(local_invocation_id) l: vec3<u32>, @builtin(workgroup_id) g: vec3<u32>) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let i = g.y * TILE + l.y;
  let j = g.x * TILE + l.x;
  var acc = 0.0;
  for (var r0 = 0u; r0 < step.rows; r0 += TILE) {
    // tile_a[i][r] = x[r0 + r, i]; tile_b[r][j] = dL/d(pre)[r0 + r, j].
    let ra = r0 + l.x;
    var a = 0.0;
    if (ra < step.rows) {
      if (i < in_f) { a = acts[arg(3u) + ra * in_f + i]; } else if (i == in_f) { a = 1.0; }
    }
    var b = 0.0;
    if (r0 + l.y < step.rows && j < out_f) { b = pre_grad(r0 + l.y, j); }
    tile_a[l.y][l.x] = a;
    tile_b[l.y][l.x] = b;
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) { acc += tile_a[l.y][k] * tile_b[k][l.x]; }
    workgroupBarrier();
  }
  if (j < out_f) {
    if (i < in_f) {
      var m = 1.0;
      if (arg(7u) != NONE) { m = consts[arg(7u) + i * out_f + j]; }
      grads[arg(11u) + i * out_f + j] = acc * m;
    } else if (i == in_f) {
      grads[arg(12u) + j] = acc;
    }
  }
}
