// Layer dipole of every network: the sum of its pyramidal cells' dipoles per recorded step. One thread per
// (network, step); the cells of a network are consecutive instances of the population's trace rows.

struct Params {
  n_inst: u32,        // instances per trace row: count × networks
  count: u32,         // cells per network
  networks: u32,
  rows: u32,          // trace rows to sum
  trace_row0: u32,    // first trace row (the population's dipole rows)
  samples: u32,       // samples per network in `layer`
  sample0: u32,       // sample of the first row
  row_stride: u32,    // threads per row of the dispatch grid
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> trace: array<f32>;          // [row][instance], fAm
@group(0) @binding(2) var<storage, read_write> layer: array<f32>;    // [network][sample], fAm

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let id = gid.x + gid.y * P.row_stride;
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
