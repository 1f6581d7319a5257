// Dense layers of the flows' networks, y = act(x (W ⊙ M) + b [+ y]), and their backward passes. Row-major: x [rows,
// in], W [in, out] (the tfjs layout), y [rows, out]. The layers are narrow (tens of features). Each thread computes a
// tile of TILE_ROWS rows (the host's choice per adapter) × 4 columns, so every value it reads serves several products:
// on the software adapter (llvmpipe) every storage read at an address that is not a constant is a loop over the SIMD
// lanes, and these reads, not the arithmetic, bound the layers. A branch on the activation inside the inner loop
// nearly doubled a layer's time there, even with every thread taking the same way, so the input's ReLU is a select
// and the weight gradient's bias row a substitution. One thread per output value was 3–4× slower there, and 16×16
// tiles staged in workgroup memory slower still (barriers split a shader into sequential pieces there).
// Gradients travel as dL/d(pre-activation): the backward pass of a layer multiplies dL/dx by the slope of the
// activation that produced x (known from x itself), so the layer before needs no extra pass.
// Arguments: 0 in, 1 out, 2 activation of y, 3 x offset (acts), 4 y offset (acts), 5 W offset (params), 6 b offset
// (params), 7 mask offset (consts, NONE: unmasked), 8 accumulate into the target (1) or overwrite (0),
// 9 dL/d(pre y) offset (acts), 10 dL/d(pre x) offset (acts), 11 dL/dW offset (grads), 12 dL/db offset (grads),
// 13 activation that produced x, 14 a ReLU applied to x on the way in (1) or none (0).
// A b offset of NONE means no bias (a layer split over two inputs adds its bias once).

// x as the layer takes it: through a ReLU when argument 14 (`relu`) says so.
fn layer_input(x: f32, relu: bool) -> f32 {
  return select(x, max(x, 0.0), relu);
}

// Four floats of `params` `stride` apart, or of `params ⊙ consts` from `mask` on (NONE: unmasked). Tiles may read
// past a layer's last column or row; those values only reach outputs that are never stored.
fn params4(at: u32, stride: u32, mask: u32) -> vec4<f32> {
  let w = vec4<f32>(params[at], params[at + stride], params[at + 2u * stride], params[at + 3u * stride]);
  if (mask == NONE) { return w; }
  return w * vec4<f32>(consts[mask], consts[mask + stride], consts[mask + 2u * stride], consts[mask + 3u * stride]);
}

// Where the mask of weight `w` sits (NONE: unmasked).
fn mask_at(mask: u32, w: u32) -> u32 {
  return select(mask + w, NONE, mask == NONE);
}

fn store_forward(r: u32, j0: u32, acc: vec4<f32>) {
  let out_f = arg(1u);
  if (r >= step.rows) { return; }
  for (var c = 0u; c < 4u && j0 + c < out_f; c++) {
    let at = arg(4u) + r * out_f + j0 + c;
    var pre = acc[c];
    if (arg(6u) != NONE) { pre += params[arg(6u) + j0 + c]; }
    if (arg(8u) == 1u) { pre += acts[at]; }
    acts[at] = activate(pre, arg(2u));
  }
}

// One thread per tile of TILE_ROWS rows × 4 outputs.
@compute @workgroup_size(WORKGROUP_SIZE)
fn forward(@builtin(global_invocation_id) id: vec3<u32>) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let col_tiles = (out_f + 3u) / 4u;
  let r0 = (id.x / col_tiles) * TILE_ROWS;
  let j0 = (id.x % col_tiles) * 4u;
  if (r0 >= step.rows) { return; }
  let x0 = arg(3u) + r0 * in_f;
  let w0 = arg(5u) + j0;
  let m0 = arg(7u);
  let relu = arg(14u) == 1u;
  var acc = array<vec4<f32>, TILE_ROWS>();
  for (var k = 0u; k < in_f; k++) {
    let w = params4(w0 + k * out_f, 1u, mask_at(m0, j0 + k * out_f));
    for (var t = 0u; t < TILE_ROWS; t++) { acc[t] += layer_input(acts[x0 + t * in_f + k], relu) * w; }
  }
  for (var t = 0u; t < TILE_ROWS; t++) { store_forward(r0 + t, j0, acc[t]); }
}

fn store_backward_input(r: u32, i0: u32, acc: vec4<f32>) {
  let in_f = arg(0u);
  if (r >= step.rows) { return; }
  for (var c = 0u; c < 4u && i0 + c < in_f; c++) {
    let at = arg(10u) + r * in_f + i0 + c;
    var g = acc[c] * activation_slope(acts[arg(3u) + r * in_f + i0 + c], arg(13u));
    if (arg(8u) == 1u) { g += acts[at]; }
    acts[at] = g;
  }
}

// dL/d(pre x) = (dL/d(pre y) (W ⊙ M)ᵀ) · act'(x); one thread per tile of TILE_ROWS rows × 4 inputs.
@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_input(@builtin(global_invocation_id) id: vec3<u32>) {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let col_tiles = (in_f + 3u) / 4u;
  let r0 = (id.x / col_tiles) * TILE_ROWS;
  let i0 = (id.x % col_tiles) * 4u;
  if (r0 >= step.rows) { return; }
  let g0 = arg(9u) + r0 * out_f;
  let w0 = arg(5u) + i0 * out_f;
  let m0 = arg(7u);
  var acc = array<vec4<f32>, TILE_ROWS>();
  for (var j = 0u; j < out_f; j++) {
    let w = params4(w0 + j, out_f, mask_at(m0, i0 * out_f + j));
    for (var t = 0u; t < TILE_ROWS; t++) { acc[t] += acts[g0 + t * out_f + j] * w; }
  }
  for (var t = 0u; t < TILE_ROWS; t++) { store_backward_input(r0 + t, i0, acc[t]); }
}

// dL/dW = M ⊙ xᵀ dL/d(pre y) and dL/db = Σ_rows dL/d(pre y), the bias as row `in` of W with x = 1 there; one
// thread per tile of 4 × 4 weights sums rows [r0, r1). A batch of at most ROW_BLOCK rows is summed by
// backward_weight directly; a larger one in blocks of ROW_BLOCK rows (backward_weight_blocks, partial sums in
// `moments` from argument 15) added up in a fixed order by backward_weight_reduce (one thread per weight), so a
// wide GPU has tiles × blocks threads to run.

fn weight_count() -> u32 {
  return (arg(0u) + 1u) * arg(1u);
}

// Whether weight `w` exists (the bias row only when the layer has a bias).
fn has_weight(w: u32) -> bool {
  return w < arg(0u) * arg(1u) || (w < weight_count() && arg(6u) != NONE);
}

// The first weight (row i0 of W, bias row included, column j0) of thread `t`'s tile.
fn weight_tile(t: u32) -> vec2<u32> {
  let col_tiles = (arg(1u) + 3u) / 4u;
  return vec2<u32>((t / col_tiles) * 4u, (t % col_tiles) * 4u);
}

// acc + xv ⊗ (dL/d(pre y) of row r at columns j0 .. j0 + 3).
fn add_outer(acc: array<vec4<f32>, 4>, xv: vec4<f32>, r: u32, j0: u32) -> array<vec4<f32>, 4> {
  let g = arg(9u) + r * arg(1u) + j0;
  let gv = vec4<f32>(acts[g], acts[g + 1u], acts[g + 2u], acts[g + 3u]);
  return array<vec4<f32>, 4>(acc[0] + xv.x * gv, acc[1] + xv.y * gv, acc[2] + xv.z * gv, acc[3] + xv.w * gv);
}

// The tile's sums over rows [r0, r1): one vec4 (the tile's 4 columns) per row of W. Input columns past the layer
// read its last column and use 1 instead (the bias row) or 0 (past it, never stored), so the loop has no branch
// around a load.
fn weight_grad_sums(tile: vec2<u32>, r0: u32, r1: u32) -> array<vec4<f32>, 4> {
  let in_f = arg(0u);
  let out_f = arg(1u);
  let relu = arg(14u) == 1u;
  let i = vec4<u32>(tile.x) + vec4<u32>(0u, 1u, 2u, 3u);
  let inside = i < vec4<u32>(in_f);
  let fixed = select(vec4<f32>(), vec4<f32>(1.0), i == vec4<u32>(in_f));
  let column = min(i, vec4<u32>(in_f - 1u));
  var acc = array<vec4<f32>, 4>();
  for (var r = r0; r < r1; r++) {
    let x = arg(3u) + r * in_f + column;
    let xv = vec4<f32>(acts[x.x], acts[x.y], acts[x.z], acts[x.w]);
    acc = add_outer(acc, select(fixed, select(xv, max(xv, vec4<f32>()), relu), inside), r, tile.y);
  }
  return acc;
}

// The tile's weight `w` (index in W with the bias row), or NONE where the tile reaches past the layer.
fn tile_weight(tile: vec2<u32>, row: u32, col: u32) -> u32 {
  let j = tile.y + col;
  let w = (tile.x + row) * arg(1u) + j;
  if (j >= arg(1u) || !has_weight(w)) { return NONE; }
  return w;
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
  let tile = weight_tile(id.x);
  if (tile.x > arg(0u)) { return; }
  let acc = weight_grad_sums(tile, 0u, step.rows);
  for (var row = 0u; row < 4u; row++) {
    for (var col = 0u; col < 4u; col++) {
      let w = tile_weight(tile, row, col);
      if (w != NONE) { store_weight_grad(w, acc[row][col]); }
    }
  }
}

// Workgroups: x over the weight tiles, y over the row blocks.
@compute @workgroup_size(WORKGROUP_SIZE)
fn backward_weight_blocks(@builtin(global_invocation_id) id: vec3<u32>) {
  let tile = weight_tile(id.x);
  let r0 = id.y * ROW_BLOCK;
  if (tile.x > arg(0u) || r0 >= step.rows) { return; }
  let acc = weight_grad_sums(tile, r0, min(r0 + ROW_BLOCK, step.rows));
  let partials = arg(15u) + id.y * weight_count();
  for (var row = 0u; row < 4u; row++) {
    for (var col = 0u; col < 4u; col++) {
      let w = tile_weight(tile, row, col);
      if (w != NONE) { moments[partials + w] = acc[row][col]; }
    }
  }
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
