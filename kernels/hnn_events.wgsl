// Synaptic event delivery for one epoch of the network (hnn-model.md §6.1, "Net rule"), one thread per target cell
// instance. Every cell-to-cell delay is at least the epoch's length, so all events landing in the epoch come from
// spikes already in the log: the thread goes through its cell's incoming NetCons (CSR by target gid, shared by every
// network of the batch) and adds w·factor per step boundary and synapse into its own rows of `events`, which the
// host zeroes before the dispatch (lib/hnn/gpu/events.ts: a buffer fill costs far less than per-lane stores).
// Cell spikes are logged as steps s (spike at t_s): delivery at boundary s + delay_steps. Drive events are times
// held as u = (t_e − dt/2)/dt split into floor and fraction: delivery at floor(u) + floor(D/dt) + ceil(fractions).
//
// A target's rows are grouped by source, with each synapse slot's rows in NetCon order (so every event sums the same
// terms in the same order as a walk over the rows in NetCon order; lib/hnn/lowering/source_groups.ts), and only the
// groups that can deliver are read: `newest_spikes` first finds, per network and source, the newest spike (or drive
// event's floor(u)) early enough to land by the epoch's end through some NetCon (one thread each: no atomics, the
// same values every run); `by_source` then skips every group whose longest delay cannot bring that spike into the
// epoch (older spikes cannot either), and checks the rows of the other groups one by one.

// Params: EVENTS_PARAMS in lib/hnn/gpu/events.ts.

// A NetCon row: source gid, synapse slot, delay steps, rule, weight scale (falloff·factor), delay fraction.
const ROW: u32 = 6u;
// A group of one source's rows: source gid, end row, longest delay steps (drives: + 2 for the rounding).
const GROUP: u32 = 3u;
// `newest` of a source without a spike that can land by the epoch's end: older than any epoch start − delay.
const NO_SPIKE: i32 = -2147483647;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> incoming: array<u32>;   // n_cells + 1 row offsets by target gid
@group(0) @binding(2) var<storage, read> rows: array<u32>;       // ROW words per NetCon
@group(0) @binding(3) var<storage, read> weights: array<f32>;    // [network][rule], µS
@group(0) @binding(4) var<storage, read> spikes: array<u32>;     // cell spike log (kernels/hnn_cells.wgsl)
@group(0) @binding(5) var<storage, read> drive: array<u32>;      // [network][drive cell] + 1 offsets, then pairs
@group(0) @binding(6) var<storage, read_write> events: array<f32>;  // [boundary − epoch_start][slot][instance]
@group(0) @binding(7) var<storage, read> groups: array<u32>;     // n_cells + 1 group offsets, then GROUP words each
@group(0) @binding(8) var<storage, read> shortest: array<u32>;   // per source: fewest delivery steps
@group(0) @binding(9) var<storage, read_write> newest: array<i32>;  // [network][source]: newest spike step that can land

fn add_event(k: i32, slot: u32, inst: u32, w: f32) {
  let row = u32(k) - P.epoch_start;
  let at = (row * P.n_slots + slot) * P.n_inst + inst;
  events[at] += w;
}

// Where cell `src`'s spike steps of network `net` lie in the log: (first word, stride, count kept).
fn cell_log(src: u32, net: u32) -> vec3<u32> {
  var pop = P.pops[0];
  for (var p = 1u; p < LOG_TYPES; p++) {
    if (src >= P.pops[p].x) {
      pop = P.pops[p];
    }
  }
  let sinst = net * pop.y + src - pop.x;
  return vec3<u32>(pop.z + 2u * pop.w + sinst, pop.w, min(spikes[pop.z + pop.w + sinst], P.spike_cap));
}

// Delivery step of drive event `e` (an index into the pairs) through a NetCon with `delay` and delay fraction `frac`.
fn drive_step(e: u32, delay: i32, frac: f32) -> i32 {
  let at = P.drive_events0 + 2u * e;
  return bitcast<i32>(drive[at]) + delay + i32(ceil(bitcast<f32>(drive[at + 1u]) + frac));
}

// Add NetCon `row`'s deliveries in [first, end) for network `net` to target instance `inst`.
fn deliver(row: u32, net: u32, inst: u32, first: i32, end: i32) {
  // Rows whose source has nothing to deliver in the epoch cost the source and one or two more loads: the weight,
  // slot and scale are read only for a row that delivers.
  let at = row * ROW;
  let src = rows[at];
  let delay = i32(rows[at + 2u]);
  if (src < P.n_cells) {
    let log = cell_log(src, net);
    let n = log.z;
    // Spikes are in step order: none delivered in the epoch if there are none or the last lands before it.
    if (n == 0u || i32(spikes[log.x + (n - 1u) * log.y]) + delay < first) {
      return;
    }
    let slot = rows[at + 1u];
    let w = weights[net * P.n_rules + rows[at + 3u]] * bitcast<f32>(rows[at + 4u]);
    // Binary-search the first spike delivered after the epoch, then walk back.
    var lo = 0u;
    var hi = n;
    while (lo < hi) {
      let mid = (lo + hi) / 2u;
      if (i32(spikes[log.x + mid * log.y]) + delay < end) {
        lo = mid + 1u;
      } else {
        hi = mid;
      }
    }
    for (var j = lo; j > 0u; j--) {
      let k = i32(spikes[log.x + (j - 1u) * log.y]) + delay;
      if (k < first) {
        break;
      }
      add_event(k, slot, inst, w);
    }
  } else {
    let cell = net * P.n_drive + src - P.n_cells;
    var lo = drive[cell];
    var hi = drive[cell + 1u];
    if (lo == hi) {
      return;
    }
    let frac = bitcast<f32>(rows[at + 5u]);
    if (drive_step(hi - 1u, delay, frac) < first) {
      return;
    }
    let slot = rows[at + 1u];
    let w = weights[net * P.n_rules + rows[at + 3u]] * bitcast<f32>(rows[at + 4u]);
    let start = lo;
    while (lo < hi) {
      let mid = (lo + hi) / 2u;
      if (drive_step(mid, delay, frac) < end) {
        lo = mid + 1u;
      } else {
        hi = mid;
      }
    }
    for (var j = lo; j > start; j--) {
      let k = drive_step(j - 1u, delay, frac);
      if (k < first) {
        break;
      }
      add_event(k, slot, inst, w);
    }
  }
}

// The target thread's cell and network: threads side by side are one target cell in consecutive networks, whose
// NetCon rows are the same words. (network, instance, target gid).
fn target_of(id: u32) -> vec3<u32> {
  let net = id % P.n_networks;
  let cell = id / P.n_networks;
  return vec3<u32>(net, net * P.count + cell, P.gid_start + cell);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn by_source(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups_n: vec3<u32>) {
  let id = grid_index(gid, groups_n);
  if (id >= P.n_inst) {
    return;
  }
  let t = target_of(id);
  let first = i32(P.epoch_start);
  let end = first + i32(P.epoch_steps);
  let newest0 = t.x * P.n_sources;
  let group0 = P.n_cells + 1u;
  var row = incoming[t.z];
  for (var g = groups[t.z]; g < groups[t.z + 1u]; g++) {
    let at = group0 + GROUP * g;
    let stop = groups[at + 1u];
    if (newest[newest0 + groups[at]] >= first - i32(groups[at + 2u])) {
      for (; row < stop; row++) {
        deliver(row, t.x, t.y, first, end);
      }
    }
    row = stop;
  }
}

// Number of the `n` ascending values at `at` (stride `stride`) of `spikes` below `hi`.
fn spikes_below(at: u32, stride: u32, n: u32, hi: i32) -> u32 {
  var a = 0u;
  var b = n;
  while (a < b) {
    let mid = (a + b) / 2u;
    if (i32(spikes[at + mid * stride]) < hi) {
      a = mid + 1u;
    } else {
      b = mid;
    }
  }
  return a;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn newest_spikes(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups_n: vec3<u32>) {
  let id = grid_index(gid, groups_n);
  if (id >= P.n_networks * P.n_sources) {
    return;
  }
  let net = id / P.n_sources;
  let src = id % P.n_sources;
  let near = shortest[src];
  var step = NO_SPIKE;
  if (near != 0xffffffffu) {
    // Spikes (or drive events' floor(u)) from end − near on land after the epoch through every NetCon.
    let hi = i32(P.epoch_start + P.epoch_steps) - i32(near);
    if (src < P.n_cells) {
      let log = cell_log(src, net);
      let j = spikes_below(log.x, log.y, log.z, hi);
      if (j > 0u) {
        step = i32(spikes[log.x + (j - 1u) * log.y]);
      }
    } else {
      let cell = net * P.n_drive + src - P.n_cells;
      var a = drive[cell];
      var b = drive[cell + 1u];
      let start = a;
      while (a < b) {
        let mid = (a + b) / 2u;
        if (bitcast<i32>(drive[P.drive_events0 + 2u * mid]) < hi) {
          a = mid + 1u;
        } else {
          b = mid;
        }
      }
      if (a > start) {
        step = bitcast<i32>(drive[P.drive_events0 + 2u * (a - 1u)]);
      }
    }
  }
  newest[id] = step;
}
