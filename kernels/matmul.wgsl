// Dense float32 products for summary statistics: C = A·B ("ab") or C = Aᵀ·B ("atb"), row-major, 16×16 tiles
// staged in workgroup memory. A is m×k ("ab") or k×m ("atb"), B is k×n, C is m×n.

// Dims (the uniform) and TILE are declared from MATMUL_DIMS and TILE in lib/stats/matmul.ts.

@group(0) @binding(0) var<uniform> d: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

var<workgroup> tile_a: array<array<f32, TILE>, TILE>;
var<workgroup> tile_b: array<array<f32, TILE>, TILE>;

fn a_at(row: u32, col: u32, transposed: bool) -> f32 {
  if (row >= d.m || col >= d.k) { return 0.0; }
  if (transposed) { return a[col * d.m + row]; }
  return a[row * d.k + col];
}

fn product(lid: vec3<u32>, wid: vec3<u32>, transposed: bool) {
  let row = wid.y * TILE + lid.y;
  let col = wid.x * TILE + lid.x;
  var acc = 0.0;
  let tiles = (d.k + TILE - 1u) / TILE;
  for (var t = 0u; t < tiles; t++) {
    tile_a[lid.y][lid.x] = a_at(row, t * TILE + lid.x, transposed);
    let brow = t * TILE + lid.y;
    tile_b[lid.y][lid.x] = select(0.0, b[brow * d.n + col], brow < d.k && col < d.n);
    workgroupBarrier();
    for (var i = 0u; i < TILE; i++) { acc += tile_a[lid.y][i] * tile_b[i][lid.x]; }
    workgroupBarrier();
  }
  if (row < d.m && col < d.n) { c[row * d.n + col] = acc; }
}

@compute @workgroup_size(TILE, TILE)
fn ab(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  product(lid, wid, false);
}

@compute @workgroup_size(TILE, TILE)
fn atb(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  product(lid, wid, true);
}
