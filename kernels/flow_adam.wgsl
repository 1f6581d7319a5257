// The update: gradients clipped by their global norm (PyTorch's clip_grad_norm_), then Adam as tfjs computes it.
// `moments` holds m [count], v [count] and, after them, the clipping factor.

// Arguments: 0 parameter count, 1 maximal norm (f32).
var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn clip_factor(@builtin(local_invocation_id) l: vec3<u32>) {
  let count = arg(0u);
  var s = 0.0;
  for (var i = l.x; i < count; i += 256u) { s += grads[i] * grads[i]; }
  partial[l.x] = s;
  workgroupBarrier();
  for (var width = 128u; width > 0u; width /= 2u) {
    if (l.x < width) { partial[l.x] += partial[l.x + width]; }
    workgroupBarrier();
  }
  if (l.x == 0u) { moments[2u * count] = min(1.0, argf(1u) / (sqrt(partial[0]) + 1e-6)); }
}

// Arguments: 0 parameter count, 1 learning rate, 2 β₁, 3 β₂, 4 ε (f32s).
@compute @workgroup_size(WORKGROUP_SIZE)
fn adam(@builtin(global_invocation_id) id: vec3<u32>) {
  let count = arg(0u);
  let i = id.x;
  if (i >= count) { return; }
  let g = grads[i] * moments[2u * count];
  let b1 = argf(2u);
  let b2 = argf(3u);
  let m = moments[i] * b1 + g * (1.0 - b1);
  let v = moments[count + i] * b2 + g * g * (1.0 - b2);
  moments[i] = m;
  moments[count + i] = v;
  params[i] += (m * step.bias1) / (sqrt(v * step.bias2) + argf(4u)) * -argf(1u);
}
