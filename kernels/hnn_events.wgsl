// Synaptic event delivery for one epoch of the network (hnn-model.md §6.1, "Net rule"), one thread per target cell
// instance. Every cell-to-cell delay is at least the epoch's length, so all events landing in the epoch come from
// spikes already in the log: the thread scans its cell's incoming NetCons (CSR by target gid, shared by every
// network of the batch) and adds w·factor per step boundary and synapse into its own rows of `events`, which the
// host zeroes before the dispatch (lib/hnn/gpu/events.ts: a buffer fill costs far less than per-lane stores).
// Cell spikes are logged as steps s (spike at t_s): delivery at boundary s + delay_steps. Drive events are times
// held as u = (t_e − dt/2)/dt split into floor and fraction: delivery at floor(u) + floor(D/dt) + ceil(fractions).

// Params: EVENTS_PARAMS in lib/hnn/gpu/events.ts.

// A NetCon row: source gid, synapse slot, delay steps, rule, weight scale (falloff·factor), delay fraction.
const ROW: u32 = 6u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> incoming: array<u32>;   // n_cells + 1 row offsets by target gid
@group(0) @binding(2) var<storage, read> rows: array<u32>;       // ROW words per NetCon
@group(0) @binding(3) var<storage, read> weights: array<f32>;    // [network][rule], µS
@group(0) @binding(4) var<storage, read> spikes: array<u32>;     // cell spike log (kernels/hnn_cells.wgsl)
@group(0) @binding(5) var<storage, read> drive: array<u32>;      // [network][drive cell] + 1 offsets, then pairs
@group(0) @binding(6) var<storage, read_write> events: array<f32>;  // [boundary − epoch_start][slot][instance]

fn add_event(k: i32, slot: u32, inst: u32, w: f32) {
  let row = u32(k) - P.epoch_start;
  let at = (row * P.n_slots + slot) * P.n_inst + inst;
  events[at] += w;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Threads side by side are one target cell in consecutive networks: their NetCon rows are the same words.
  let id = grid_index(gid, groups);
  if (id >= P.n_inst) {
    return;
  }
  let networks = P.n_inst / P.count;
  let net = id % networks;
  let cell = id / networks;
  let inst = net * P.count + cell;
  let target_gid = P.gid_start + cell;
  let first = i32(P.epoch_start);
  let end = first + i32(P.epoch_steps);
  for (var row = incoming[target_gid]; row < incoming[target_gid + 1u]; row++) {
    // Rows whose source has nothing to deliver in the epoch cost the source and one or two more loads: the weight,
    // slot and scale are read only for a row that delivers.
    let at = row * ROW;
    let src = rows[at];
    let delay = i32(rows[at + 2u]);
    if (src < P.n_cells) {
      var pop = P.pops[0];
      for (var p = 1u; p < LOG_TYPES; p++) {
        if (src >= P.pops[p].x) {
          pop = P.pops[p];
        }
      }
      let sinst = net * pop.y + src - pop.x;
      let steps_at = pop.z + 2u * pop.w + sinst;
      let n = min(spikes[pop.z + pop.w + sinst], P.spike_cap);
      // Spikes are in step order: none delivered in the epoch if there are none or the last lands before it.
      if (n == 0u || i32(spikes[steps_at + (n - 1u) * pop.w]) + delay < first) {
        continue;
      }
      let slot = rows[at + 1u];
      let w = weights[net * P.n_rules + rows[at + 3u]] * bitcast<f32>(rows[at + 4u]);
      // Binary-search the first spike delivered after the epoch, then walk back.
      var lo = 0u;
      var hi = n;
      while (lo < hi) {
        let mid = (lo + hi) / 2u;
        if (i32(spikes[steps_at + mid * pop.w]) + delay < end) {
          lo = mid + 1u;
        } else {
          hi = mid;
        }
      }
      for (var j = lo; j > 0u; j--) {
        let k = i32(spikes[steps_at + (j - 1u) * pop.w]) + delay;
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
        continue;
      }
      let frac = bitcast<f32>(rows[at + 5u]);
      let last = P.drive_events0 + 2u * (hi - 1u);
      if (bitcast<i32>(drive[last]) + delay + i32(ceil(bitcast<f32>(drive[last + 1u]) + frac)) < first) {
        continue;
      }
      let slot = rows[at + 1u];
      let w = weights[net * P.n_rules + rows[at + 3u]] * bitcast<f32>(rows[at + 4u]);
      let start = lo;
      while (lo < hi) {
        let mid = (lo + hi) / 2u;
        let e = P.drive_events0 + 2u * mid;
        if (bitcast<i32>(drive[e]) + delay + i32(ceil(bitcast<f32>(drive[e + 1u]) + frac)) < end) {
          lo = mid + 1u;
        } else {
          hi = mid;
        }
      }
      for (var j = lo; j > start; j--) {
        let e = P.drive_events0 + 2u * (j - 1u);
        let k = bitcast<i32>(drive[e]) + delay + i32(ceil(bitcast<f32>(drive[e + 1u]) + frac));
        if (k < first) {
          break;
        }
        add_event(k, slot, inst, w);
      }
    }
  }
}
