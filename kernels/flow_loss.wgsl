// The batch and the loss: gather a batch's rows and z-score them, the base density and its gradient, and a
// deterministic sum of per-row values (a fixed reduction order, so equal seeds give equal results).

// A dataset larger than one storage binding comes in chunks of rows, one dispatch each: a chunk fills the batch
// rows that fall in it. Arguments: 0 θ dim, 1 x dim, 2 z offset, 3 context offset, 4 standardisation offset
// (consts: θ mean, θ std, x mean, x std), 5 rows come through `order` (1) or in dataset order (0), 6 the chunk's
// first row, 7 its rows.
@compute @workgroup_size(WORKGROUP_SIZE)
fn gather(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  let xd = arg(1u);
  let s = arg(4u);
  var row = step.start + r;
  if (arg(5u) == 1u) { row = order[row]; }
  if (row < arg(6u) || row - arg(6u) >= arg(7u)) { return; }
  let local = row - arg(6u);
  for (var j = 0u; j < d; j++) {
    acts[arg(2u) + r * d + j] = (theta_data[local * d + j] - consts[s + j]) / consts[s + d + j];
  }
  for (var j = 0u; j < xd; j++) {
    acts[arg(3u) + r * xd + j] = (x_data[local * xd + j] - consts[s + 2u * d + j]) / consts[s + 2u * d + xd + j];
  }
}

// -log q per row from the base normal, the log-dets and the z-scoring's constant, and dL/dz = z / rows.
// Arguments: 0 d, 1 z offset, 2 log-det offset, 3 loss offset, 4 dL/dz offset, 5 constant (f32:
// -d/2 log 2π - Σ log σθ).
@compute @workgroup_size(WORKGROUP_SIZE)
fn base_loss(@builtin(global_invocation_id) id: vec3<u32>) {
  let r = id.x;
  if (r >= step.rows) { return; }
  let d = arg(0u);
  var square = 0.0;
  for (var j = 0u; j < d; j++) {
    let z = acts[arg(1u) + r * d + j];
    square += z * z;
    acts[arg(4u) + r * d + j] = z * step.inv_rows;
  }
  acts[arg(3u) + r] = -((-0.5 * square + argf(5u)) + acts[arg(2u) + r]);
}

// acts[total] += Σ_rows acts[values + r], in one workgroup. Arguments: 0 values offset, 1 total offset.
var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn sum_rows(@builtin(local_invocation_id) l: vec3<u32>) {
  var s = 0.0;
  for (var r = l.x; r < step.rows; r += 256u) { s += acts[arg(0u) + r]; }
  partial[l.x] = s;
  workgroupBarrier();
  for (var width = 128u; width > 0u; width /= 2u) {
    if (l.x < width) { partial[l.x] += partial[l.x + width]; }
    workgroupBarrier();
  }
  if (l.x == 0u) { acts[arg(1u)] += partial[0]; }
}
