// hnn-core's Dipole.smooth: np.convolve(x, hamming(M)/sum, "same") per row, one thread per output sample.
// y[i] = Σ_m x[i + (M − 1)/2 − m]·w[m], with x = 0 outside the row (zero padding).

// Params, the uniform, is declared from SMOOTH_PARAMS in lib/stats/smooth.ts.
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> window: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = grid_index(gid, groups);
  if (id >= p.rows * p.samples) { return; }
  let row = id / p.samples;
  let i = i32(id % p.samples);
  let base = row * p.samples;
  let half = i32((p.taps - 1u) / 2u);
  // Only taps that land inside the row contribute.
  let m_lo = max(0, i + half - i32(p.samples) + 1);
  let m_hi = min(i32(p.taps) - 1, i + half);
  var acc = 0.0;
  for (var m = m_lo; m <= m_hi; m++) {
    acc += x[base + u32(i + half - m)] * window[m];
  }
  y[id] = acc * p.scale;
}
