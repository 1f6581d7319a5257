// Peak features of each row: max, min and the times (ms) at which they first occur, one thread per row.

// Params, the uniform, is declared from PEAKS_PARAMS in lib/stats/peaks.ts.
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> features: array<f32>;   // rows × 4: max, min, t_max, t_min

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let row = grid_index(gid, groups);
  if (row >= p.rows) { return; }
  let base = row * p.samples;
  var hi = x[base];
  var lo = x[base];
  var i_hi = 0u;
  var i_lo = 0u;
  for (var n = 1u; n < p.samples; n++) {
    let v = x[base + n];
    if (v > hi) { hi = v; i_hi = n; }
    if (v < lo) { lo = v; i_lo = n; }
  }
  features[4u * row] = hi;
  features[4u * row + 1u] = lo;
  features[4u * row + 2u] = p.t0 + f32(i_hi) * p.dt;
  features[4u * row + 3u] = p.t0 + f32(i_lo) * p.dt;
}
