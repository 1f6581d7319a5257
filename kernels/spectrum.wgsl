// One-sided periodogram (scipy.signal.periodogram's defaults: constant detrend, boxcar window, density scaling)
// of each row at the first `bins` DFT frequencies, one thread per (row, bin). Phases use (k·n mod N) so the
// angle stays exact in float32 for long rows.

// Params, the uniform, is declared from SPECTRUM_PARAMS in lib/stats/spectrum.ts.
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> power: array<f32>;   // rows × bins, V²/Hz

const TWO_PI: f32 = 6.283185307179586;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = grid_index(gid, groups);
  if (id >= p.rows * p.bins) { return; }
  let row = id / p.bins;
  let k = id % p.bins;
  let n_total = p.samples;
  let base = row * n_total;
  // Detrending removes the mean, which only the zero-frequency bin sees.
  if (k == 0u) {
    power[id] = 0.0;
    return;
  }
  var re = 0.0;
  var im = 0.0;
  var phase = 0u;   // k·n mod N, advanced incrementally
  for (var n = 0u; n < n_total; n++) {
    let angle = TWO_PI * f32(phase) / f32(n_total);
    let v = x[base + n];
    re += v * cos(angle);
    im -= v * sin(angle);
    phase += k;
    if (phase >= n_total) { phase -= n_total; }
  }
  // Both halves of the spectrum fold into the one-sided density, except at the Nyquist bin.
  let fold = select(2.0, 1.0, 2u * k == n_total);
  power[id] = fold * (re * re + im * im) / (p.fs * f32(n_total));
}
