// Bindings shared by every flow kernel (kernels/flow_*.wgsl are compiled with this header in front): one bind
// group of the model's buffers per dataset, and one small uniform of arguments per dispatch.

struct Step {
  rows: u32,       // rows in this batch
  start: u32,      // the batch's first position in `order` (or in the dataset when no order is used)
  inv_rows: f32,   // 1 / rows: the loss is a mean over the batch
  bias1: f32,      // Adam's 1 / (1 - β₁ᵗ)
  bias2: f32,      // Adam's 1 / (1 - β₂ᵗ)
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> acts: array<f32>;
@group(0) @binding(3) var<storage, read> consts: array<f32>;
@group(0) @binding(4) var<storage, read_write> moments: array<f32>;
@group(0) @binding(5) var<storage, read> theta_data: array<f32>;
@group(0) @binding(6) var<storage, read> x_data: array<f32>;
@group(0) @binding(7) var<storage, read> order: array<u32>;
@group(0) @binding(8) var<uniform> step: Step;

struct Args {
  a: array<vec4<u32>, 8>,
}
@group(1) @binding(0) var<uniform> args: Args;

fn arg(i: u32) -> u32 {
  return args.a[i / 4u][i % 4u];
}

fn argf(i: u32) -> f32 {
  return bitcast<f32>(arg(i));
}

const NONE: u32 = 0xffffffffu;

// tfjs's softplus (the reference flow's): exp(x) far below 0, x far above, log(exp(x) + 1) between.
fn softplus(x: f32) -> f32 {
  let threshold = log(1.1920928955078125e-7) + 2.0;
  if (x < threshold) { return exp(x); }
  if (x > -threshold) { return x; }
  return log(exp(x) + 1.0);
}

fn sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

// tanh from exp overflows to NaN on some drivers for large |x|; tanh(±15) is ±1 in float32.
fn safe_tanh(x: f32) -> f32 {
  return tanh(clamp(x, -15.0, 15.0));
}

// Activations: 0 none, 1 tanh, 2 ReLU, 3 sigmoid.
fn activate(x: f32, kind: u32) -> f32 {
  switch kind {
    case 1u: { return safe_tanh(x); }
    case 2u: { return max(x, 0.0); }
    case 3u: { return sigmoid(x); }
    default: { return x; }
  }
}

// d activation / d input, from the activation's output y.
fn activation_slope(y: f32, kind: u32) -> f32 {
  switch kind {
    case 1u: { return 1.0 - y * y; }
    case 2u: { return select(0.0, 1.0, y > 0.0); }
    case 3u: { return y * (1.0 - y); }
    default: { return 1.0; }
  }
}
