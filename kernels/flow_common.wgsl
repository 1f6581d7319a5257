// Bindings shared by every flow kernel (kernels/flow_*.wgsl are compiled with this header in front): one bind
// group of the model's buffers per dataset, and one small uniform of arguments per dispatch. The structs Step and
// Args and the constants NONE, ACTIVATION_*, ROW_BLOCK and MAX_BINS are declared from lib/flows/webgpu/pipelines.ts.

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read_write> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> acts: array<f32>;
@group(0) @binding(3) var<storage, read> consts: array<f32>;
@group(0) @binding(4) var<storage, read_write> moments: array<f32>;
@group(0) @binding(5) var<storage, read> theta_data: array<f32>;
@group(0) @binding(6) var<storage, read> x_data: array<f32>;
@group(0) @binding(7) var<storage, read> order: array<u32>;
@group(0) @binding(8) var<uniform> step: Step;

@group(1) @binding(0) var<uniform> args: Args;

fn arg(i: u32) -> u32 {
  return args.a[i / 4u][i % 4u];
}

fn argf(i: u32) -> f32 {
  return bitcast<f32>(arg(i));
}

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

// Activations by their ACTIVATION_* code (anything else: none).
fn activate(x: f32, kind: u32) -> f32 {
  switch kind {
    case ACTIVATION_TANH: { return safe_tanh(x); }
    case ACTIVATION_RELU: { return max(x, 0.0); }
    case ACTIVATION_SIGMOID: { return sigmoid(x); }
    default: { return x; }
  }
}

// d activation / d input, from the activation's output y.
fn activation_slope(y: f32, kind: u32) -> f32 {
  switch kind {
    case ACTIVATION_TANH: { return 1.0 - y * y; }
    case ACTIVATION_RELU: { return select(0.0, 1.0, y > 0.0); }
    case ACTIVATION_SIGMOID: { return y * (1.0 - y); }
    default: { return 1.0; }
  }
}
