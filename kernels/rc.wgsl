// The seed paper's RC circuit, dV/dt = (E - V + R I(t)) / tau, one thread per parameter set.
// I(t) is piecewise constant (two square pulses), so each sample interval is advanced with the exact
// exponential solution, split at every pulse edge that falls inside it: the result is exact up to float32.

// Params, the uniform, is declared from RC_PARAMS in lib/models/rc.ts.
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> theta: array<f32>;      // n × 3: amp1, amp2, latency (ms)
@group(0) @binding(2) var<storage, read_write> x: array<f32>;    // n × samples: V (mV)

fn current(t: f32, amp1: f32, amp2: f32, latency: f32) -> f32 {
  var i = 0.0;
  if (t > p.pulse_on && t < p.pulse_off) { i += amp1; }
  if (t > p.pulse_on + latency && t < p.pulse_off + latency) { i -= amp2; }
  return i;
}

// The first pulse edge strictly after t and before limit, or limit.
fn next_edge(t: f32, limit: f32, latency: f32) -> f32 {
  var next = limit;
  let edges = array<f32, 4>(p.pulse_on, p.pulse_off, p.pulse_on + latency, p.pulse_off + latency);
  for (var k = 0u; k < 4u; k++) {
    if (edges[k] > t && edges[k] < next) { next = edges[k]; }
  }
  return next;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = grid_index(gid, groups);
  if (id >= p.n) { return; }
  let amp1 = theta[3u * id];
  let amp2 = theta[3u * id + 1u];
  let latency = theta[3u * id + 2u];
  let out = id * p.samples;
  var v = p.e_rest;
  x[out] = v;
  for (var k = 1u; k < p.samples; k++) {
    var t = f32(k - 1u) * p.dt;
    let t_end = f32(k) * p.dt;
    loop {
      let t_next = next_edge(t, t_end, latency);
      let drive = p.e_rest + p.r * current(0.5 * (t + t_next), amp1, amp2, latency);
      v = drive + (v - drive) * exp(-(t_next - t) / p.tau);
      t = t_next;
      if (t >= t_end) { break; }
    }
    x[out + k] = v;
  }
}
