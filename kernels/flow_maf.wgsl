// MAF's step, one thread per row: y = u·scale + shift with scale = softplus(s) + 10⁻³ from the MADE's output
// [s | shift] (2·d columns), log|det| = Σ log scale, then the permutation z[:, j] = y[:, order[j]].
// Arguments: 0 d, 1 u offset, 2 MADE output offset, 3 z offset, 4 log-det offset (rows), 5 order offset (consts,
// indices as floats), 6 overwrite the log-det (1) or add to it (0), 7 dL/dz offset, 8 dL/du offset,
// 9 dL/d(MADE output) offset.

fn made_scale(r: u32, k: u32) -> f32 {
  return softplus(acts[arg(2u) + r * 2u * arg(0u) + k]) + 1e-3;
}

fn made_shift(r: u32, k: u32) -> f32 {
  return acts[arg(2u) + r * 2u * arg(0u) + arg(0u) + k];
}

fn permuted(j: u32) -> u32 {
  return u32(consts[arg(5u) + j]);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn maf_forward(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  var log_det = 0.0;
  for (var j = 0u; j < d; j++) {
    let k = permuted(j);
    let scale = made_scale(r, k);
    acts[arg(3u) + r * d + j] = acts[arg(1u) + r * d + k] * scale + made_shift(r, k);
  }
  for (var k = 0u; k < d; k++) { log_det += log(made_scale(r, k)); }
  let at = arg(4u) + r;
  if (arg(6u) == 1u) { acts[at] = log_det; } else { acts[at] += log_det; }
}

// Each log-det term enters the loss with weight -1/rows (the loss is -mean log q).
@compute @workgroup_size(WORKGROUP_SIZE)
fn maf_backward(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  for (var j = 0u; j < d; j++) {
    let k = permuted(j);
    let gy = acts[arg(7u) + r * d + j];
    let s = acts[arg(2u) + r * 2u * d + k];
    let scale = softplus(s) + 1e-3;
    let u = acts[arg(1u) + r * d + k];
    acts[arg(8u) + r * d + k] = gy * scale;
    acts[arg(9u) + r * 2u * d + k] = (gy * u - step.inv_rows / scale) * sigmoid(s);
    acts[arg(9u) + r * 2u * d + d + k] = gy;
  }
}

// One pass of the inverse: u = (y - shift) / scale with y = z un-permuted; `d` passes from u = 0 invert exactly.
// Argument 6 = 1 only sets u = 0.
@compute @workgroup_size(WORKGROUP_SIZE)
fn maf_inverse(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  for (var j = 0u; j < d; j++) {
    if (arg(6u) == 1u) {
      acts[arg(1u) + r * d + j] = 0.0;
      continue;
    }
    let k = permuted(j);
    acts[arg(1u) + r * d + k] = (acts[arg(3u) + r * d + j] - made_shift(r, k)) / made_scale(r, k);
  }
}
