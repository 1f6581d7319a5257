// Layer dipole of every network: the sum of its pyramidal cells' dipoles per recorded step. One thread per
// (network, step); the cells of a network are consecutive instances of the population's trace rows.

// Params: LAYER_SUM_PARAMS in lib/hnn/gpu/layer_sum.ts.

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> trace: array<f32>;          // [row][instance], fAm
@group(0) @binding(2) var<storage, read_write> layer: array<f32>;    // [network][sample], fAm

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = grid_index(gid, groups);
  if (id >= P.networks * P.rows) {
    return;
  }
  let net = id / P.rows;
  let row = id % P.rows;
  let at = (P.trace_row0 + row) * P.n_inst + net * P.count;
  var q = 0.0;
  for (var c = 0u; c < P.count; c++) {
    q += trace[at + c];
  }
  layer[net * P.samples + P.sample0 + row] = q;
}
