// The row order of one training epoch, generated on the device: a keyed Feistel network permutes
// [0, 4^half_bits) and cycle-walking keeps each row's image within [0, rows) — a bijection with no sort.
// lib/train/epoch_order.ts computes the same order on the host (the tfjs trainer's minibatches).

@group(0) @binding(0) var<storage, read_write> order: array<u32>;
@group(0) @binding(1) var<uniform> shuffle: Shuffle;

// A bijective 32-bit integer hash (lowbias32), the round function.
fn mix32(value: u32) -> u32 {
  var v = value;
  v ^= v >> 16u;
  v *= 0x7feb352du;
  v ^= v >> 15u;
  v *= 0x846ca68bu;
  v ^= v >> 16u;
  return v;
}

fn feistel(i: u32) -> u32 {
  let mask = (1u << shuffle.half_bits) - 1u;
  var left = i >> shuffle.half_bits;
  var right = i & mask;
  for (var r = 0u; r < FEISTEL_ROUNDS; r++) {
    let next = left ^ (mix32(right ^ shuffle.keys[r]) & mask);
    left = right;
    right = next;
  }
  return (left << shuffle.half_bits) | right;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn epoch_order(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = grid_index(gid, groups);
  if (i >= shuffle.rows) { return; }
  // The cycle through i returns to i < rows, so the walk ends, and distinct rows keep distinct images.
  var v = feistel(i);
  while (v >= shuffle.rows) { v = feistel(v); }
  order[i] = v;
}
