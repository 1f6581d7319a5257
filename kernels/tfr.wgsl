// Morlet-wavelet power of detrended trials (lib/events/tfr.ts is the float64 reference): one thread per
// (trial, frequency, sample), convolving the trial with that frequency's wavelet over the taps that meet the trial,
// power = 2·dt²·|y|².

// Params, the uniform, is declared from TFR_PARAMS in lib/events/tfr_gpu.ts.
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> wavelet_at: array<u32>;    // per frequency: first tap, half-length h
@group(0) @binding(2) var<storage, read> taps: array<vec2<f32>>;    // (re, im) of every wavelet, 2h + 1 each
@group(0) @binding(3) var<storage, read> x: array<f32>;             // rows × samples
@group(0) @binding(4) var<storage, read_write> power: array<f32>;   // rows × freqs × samples

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = grid_index(gid, groups);
  let per_row = p.freqs * p.samples;
  if (id >= p.rows * per_row) { return; }
  let row = id / per_row;
  let f = (id % per_row) / p.samples;
  let i = id % p.samples;
  let first = wavelet_at[2u * f];
  let half = wavelet_at[2u * f + 1u];
  let base = row * p.samples;
  // Full convolution at i + h: Σ_k x[k]·w[i + h − k] for the k in the trial with 0 ≤ i + h − k ≤ 2h.
  let lo = select(0u, i - half, i > half);
  let hi = min(p.samples - 1u, i + half);
  var re = 0.0;
  var im = 0.0;
  for (var k = lo; k <= hi; k++) {
    let w = taps[first + i + half - k];
    let v = x[base + k];
    re += v * w.x;
    im += v * w.y;
  }
  power[id] = 2.0 * p.dt * p.dt * (re * re + im * im);
}
