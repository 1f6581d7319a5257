// hnn-core cells (L2/L5 pyramidal, basket) under NEURON's fixed step: backward Euler on the node tree
// (Hines elimination), cnexp gate updates and Exp2Syn synapses, float32, one thread per cell instance, many steps
// per dispatch. Synaptic events arrive precomputed per step (kernels/hnn_events.wgsl); spikes go to a log shared
// by every population of the network.
// Every per-instance array is instance-major ([slot][instance]) so neighbouring threads touch neighbouring
// words. Layout and step order: docs/hnn-gpu-layout.md. The float64 twin is lib/hnn/reference/cells_float64.ts.

struct Table {
  off: u32,     // first vec4 of the table in `tables`
  n: u32,       // rows − 1 (NMODL's WITH n)
  vmin: f32,    // mV
  mfac: f32,    // n / (vmax − vmin)
}

struct Params {
  n_inst: u32,
  n_nodes: u32,
  n_states: u32,      // gating slots per compartment: 3 (hh2), 4 (+km), 12 (L5 set)
  soma_node: u32,
  step0: u32,         // global index of this dispatch's first step
  n_steps: u32,       // steps in this dispatch
  record: u32,        // bit 0: soma voltage, bit 1: dipole, into `trace`
  spike_cap: u32,     // spike steps kept per instance
  row_stride: u32,    // threads per row of the dispatch grid
  trace_row0: u32,    // trace row of this dispatch's first step
  trace_rows: u32,    // rows per trace record (soma voltage rows, then dipole rows)
  n_slots: u32,       // Exp2Syn synapses per cell
  dt: f32,
  ena: f32,
  ek: f32,
  e_cat: f32,
  e_ar: f32,
  cao: f32,
  ktf_half: f32,
  cad_drive: f32,     // mM/ms per −mA/cm² of ica
  cainf: f32,
  tadj: f32,          // kca's temperature factor
  threshold: f32,
  spike_base: u32,    // this population's first word in `spikes`
  hh2: Table,         // fields: minf mtau hinf htau | ninf ntau
  km: Table,          // ninf ntau
  ca: Table,          // minf mtau hinf htau
  catar: Table,       // cat minf mtau hinf htau | ar minf mtau
  syn_base: u32,      // state row of the first synapse's A (then B, then the next synapse)
  event_row0: u32,    // row of `syn_events` for this dispatch's first step
}

// Per-node constants (lib/hnn/lowering/compile.ts NODE): 16 values per node.
const NF: u32 = 16u;
const F_A: u32 = 0u;
const F_B: u32 = 1u;
const F_ZCOEF: u32 = 2u;
const F_CDT: u32 = 3u;
const F_GNABAR: u32 = 4u;
const F_GKBAR: u32 = 5u;
const F_GL: u32 = 6u;
const F_EL: u32 = 7u;
const F_GKM: u32 = 8u;
const F_GCA: u32 = 9u;
const F_GKCA: u32 = 10u;
const F_GCAT: u32 = 11u;
const F_GAR: u32 = 12u;
const F_CADK: u32 = 13u;
const F_CADTAUR: u32 = 14u;
const F_POINT: u32 = 15u;
const NO_COMP: u32 = 0xffffffffu;
const MAX_NODES: u32 = 128u;  // nodes per cell (lib/hnn/gpu/cells.ts checks)
const MAX_SLOTS: u32 = 256u;  // synapses per cell (lib/hnn/gpu/cells.ts checks)

// Gating slots inside a compartment (lowering/compile.ts SLOT), held as vec4 groups: (hh2 m, h, n, km n), (ca m, h, cad
// cai, kca n), (cat m, h, ar m, the last ica). Fewer slots (baskets: 3) leave the group's tail as padding.
const S_KM: u32 = 3u;
const S_ICA: u32 = 11u;

@group(0) @binding(0) var<uniform> P: Params;
// Per-node constants and the tree live in uniform buffers: every thread reads the same address, and llvmpipe
// loads uniform words once per SIMD vector where a storage load walks the lanes one by one.
@group(0) @binding(1) var<uniform> nodes: array<vec4<f32>, MAX_NODES * NF / 4u>;  // n_nodes × NF, padded
@group(0) @binding(2) var<uniform> topo: array<vec4<u32>, MAX_NODES / 2u>;        // (parent, compartment) per node
// Rate tables, each row padded to whole vec4s (lib/hnn/gpu/cells.ts tableLayout): one load fetches four fields.
// On the software adapter lib/hnn/gpu/cells.ts swaps this declaration for a uniform binding of the same values:
// llvmpipe loads uniform words as a vector where a storage load walks the SIMD lanes one by one.
@group(0) @binding(3) var<storage, read> tables: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;     // V per node, then synapse A and B
@group(0) @binding(5) var<storage, read> stim: array<f32>;            // 3 × n_inst: amp, on step, off step
@group(0) @binding(6) var<storage, read_write> trace: array<f32>;     // 2 × trace_rows × n_inst
@group(0) @binding(7) var<storage, read_write> spikes: array<u32>;    // from spike_base: (2 + spike_cap) × n_inst
@group(0) @binding(8) var<uniform> syn: array<vec4<f32>, MAX_SLOTS>;  // per synapse: node, e, e^(−dt/τ1), e^(−dt/τ2)
@group(0) @binding(9) var<storage, read> syn_events: array<f32>;      // [row][slot][instance]: w·factor at the step
// Gating states, [compartment][group][instance] with four slots per vec4: one 16-byte load or store per group.
@group(0) @binding(10) var<storage, read_write> gates: array<vec4<f32>>;

fn node(i: u32, field: u32) -> f32 {
  return nodes[i * (NF / 4u) + field / 4u][field % 4u];
}

fn parent_of(i: u32) -> u32 {
  return topo[i / 2u][2u * (i % 2u)];
}

fn comp_of(i: u32) -> u32 {
  return topo[i / 2u][2u * (i % 2u) + 1u];
}

struct Look {
  row: u32,     // index of the lower row's first vec4
  stride: u32,  // vec4s per row
  theta: f32,
}

// NMODL's table lookup: clamp below the first and above the last row, else linear interpolation.
fn locate(t: Table, v: f32, stride: u32) -> Look {
  let xi = t.mfac * (v - t.vmin);
  if (xi <= 0.0) {
    return Look(t.off, stride, 0.0);
  }
  if (xi >= f32(t.n)) {
    return Look(t.off + (t.n - 1u) * stride, stride, 1.0);
  }
  let i = u32(xi);
  return Look(t.off + i * stride, stride, xi - f32(i));
}

// Fields 4q … 4q + 3 of the row, interpolated.
fn interp(l: Look, q: u32) -> vec4<f32> {
  let lo = tables[l.row + q];
  return lo + l.theta * (tables[l.row + l.stride + q] - lo);
}

// 1 − exp(−x) without float32 cancellation for slow gates (x = dt/τ down to 1e-5).
fn one_minus_exp_neg(x: f32) -> f32 {
  if (x < 0.1) {
    return x * (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0 - x * (1.0 / 120.0)))));
  }
  return 1.0 - exp(-x);
}

// cnexp: x ← x + (1 − exp(−dt/τ))·(x∞ − x).
fn relax(x: f32, inf: f32, tau: f32) -> f32 {
  return x + one_minus_exp_neg(P.dt / tau) * (inf - x);
}

// The tree solve's diagonal, right-hand side and the last solve's ΔV per node: per-invocation scratch.
var<private> dd: array<f32, MAX_NODES>;
var<private> rr: array<f32, MAX_NODES>;
var<private> dx: array<f32, MAX_NODES>;
// Node voltages for the whole dispatch: loaded once, stored once at the end (on llvmpipe every storage access walks
// the SIMD lanes one by one, a private one does not).
var<private> vv: array<f32, MAX_NODES>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let inst = gid.x + gid.y * P.row_stride;
  let n = P.n_inst;
  if (inst >= n) {
    return;
  }
  let nn = P.n_nodes;
  let v_at = inst;                 // V[node] = state[node * n + inst]
  let amp = stim[inst];
  let on = u32(stim[n + inst]);
  let off = u32(stim[2u * n + inst]);
  let has_km = P.n_states > S_KM;
  let has_l5 = P.n_states > S_ICA;
  let log0 = P.spike_base;
  var above = spikes[log0 + inst] != 0u;
  var count = spikes[log0 + n + inst];
  for (var i = 0u; i < nn; i++) {
    vv[i] = state[i * n + v_at];
  }

  // Round s of the node sweep finishes step s − 1 (back substitution, pass 3) and builds step s's rows (pass 1):
  // both walk root to leaves, so one sweep does both and every node's voltage is loaded once per step.
  for (var s = 0u; s <= P.n_steps; s++) {
    let solve = s > 0u;
    let build = s < P.n_steps;
    let step = P.step0 + s;
    var i_stim = 0.0;
    if (step >= on && step < off) {
      i_stim = amp;
    }
    var q = 0.0;
    for (var i = 0u; i < nn; i++) {
      let p = parent_of(i);
      var vi = vv[i];
      var vp = 0.0;
      if (solve) {
        // Pass 3 of step s − 1: ΔV from the parent's (the root has none), v += ΔV, the dipole over the link.
        var dvi = rr[i];
        if (i > 0u) {
          dvi += node(i, F_A) * dx[p];
        }
        dvi /= dd[i];
        dx[i] = dvi;
        vi += dvi;
        vv[i] = vi;
        if (i > 0u) {
          vp = vv[p];
          q += node(i, F_ZCOEF) * (vp - vi);
        }
      } else if (i > 0u) {
        vp = vv[p];
      }
      if (!build) {
        continue;
      }
      // Pass 1 of step s: membrane currents and conductances at v_n, then the axial terms.
      let comp = comp_of(i);
      var d = 0.0;
      var rhs = 0.0;
      if (comp != NO_COMP) {
        // The compartment's gates, four per vec4 (slot 4g + j is component j of group g).
        let ga = comp * ((P.n_states + 3u) / 4u) * n + inst;
        let g0 = gates[ga];
        var m = g0.x;
        var h = g0.y;
        var nk = g0.z;
        var kq = g0.w;  // km n, or padding
        // The previous step's state update (NEURON's nonvint) at the new voltage, fused into this pass.
        let pending = step > 0u;
        if (pending) {
          let l = locate(P.hh2, vi, 2u);
          let mh = interp(l, 0u);
          let nr = interp(l, 1u);
          m = relax(m, mh.x, mh.y);
          h = relax(h, mh.z, mh.w);
          nk = relax(nk, nr.x, nr.y);
          if (has_km) {
            let r = interp(locate(P.km, vi, 1u), 0u);
            kq = relax(kq, r.x, r.y);
          }
          gates[ga] = vec4<f32>(m, h, nk, kq);
        }
        let gna = node(i, F_GNABAR) * m * m * m * h;
        let gk = node(i, F_GKBAR) * nk * nk * nk * nk;
        let gl = node(i, F_GL);
        var cur = gna * (vi - P.ena) + gk * (vi - P.ek) + gl * (vi - node(i, F_EL));
        var cond = gna + gk + gl;
        if (has_km) {
          let g = node(i, F_GKM) * kq;
          cur += g * (vi - P.ek);
          cond += g;
        }
        if (has_l5) {
          let g1 = gates[ga + n];
          let g2 = gates[ga + 2u * n];
          var cm = g1.x;
          var ch = g1.y;
          var cai = g1.z;
          var kn = g1.w;
          var tm = g2.x;
          var th = g2.y;
          var ar = g2.z;
          if (pending) {
            // cad first (it writes cai), from the ica of the previous current evaluation (g2.w).
            let drive = max(0.0, -g2.w * P.cad_drive);
            cai += node(i, F_CADK) * (drive * node(i, F_CADTAUR) + P.cainf - cai);
            let rc = interp(locate(P.ca, vi, 1u), 0u);
            cm = relax(cm, rc.x, rc.y);
            ch = relax(ch, rc.z, rc.w);
            let a = 0.01 * cai;
            kn = relax(kn, a / (a + 0.02), 1.0 / (P.tadj * (a + 0.02)));
            let lt = locate(P.catar, vi, 2u);
            let rt = interp(lt, 0u);
            let ra = interp(lt, 1u);
            tm = relax(tm, rt.x, rt.y);
            th = relax(th, rt.z, rt.w);
            ar = relax(ar, ra.x, ra.y);
            gates[ga + n] = vec4<f32>(cm, ch, cai, kn);
          }
          let eca = P.ktf_half * log(P.cao / cai);
          let gca = node(i, F_GCA) * cm * cm * ch;
          let ica = gca * (vi - eca);
          gates[ga + 2u * n] = vec4<f32>(tm, th, ar, ica);
          let gkca = node(i, F_GKCA) * kn;
          let gcat = node(i, F_GCAT) * tm * tm * th;
          let gar = node(i, F_GAR) * ar;
          cur += ica + gkca * (vi - P.ek) + gcat * (vi - P.e_cat) + gar * (vi - P.e_ar);
          cond += gca + gkca + gcat + gar;
        }
        d = node(i, F_CDT) + cond;
        rhs = -cur;
        if (i == P.soma_node) {
          rhs += i_stim * node(i, F_POINT);
        }
      }
      if (i > 0u) {
        // Parents come first, so the parent's row for this step is already initialised.
        let a = node(i, F_A);
        let b = node(i, F_B);
        let dv = vp - vi;
        d += a;
        rhs += a * dv;
        dd[p] += b;
        rr[p] -= b * dv;
      }
      dd[i] = d;
      rr[i] = rhs;
    }
    if (solve) {
      // Spike detection at the soma after step s − 1: upward crossing, re-armed below threshold (NEURON's
      // ConditionEvent).
      let vs = vv[P.soma_node];
      if (vs > P.threshold) {
        if (!above) {
          if (count < P.spike_cap) {
            spikes[log0 + (2u + count) * n + inst] = step;
          }
          count += 1u;
        }
        above = true;
      } else {
        above = false;
      }
      if ((P.record & 1u) != 0u) {
        trace[(P.trace_row0 + s - 1u) * n + inst] = vs;
      }
      if ((P.record & 2u) != 0u) {
        trace[(P.trace_rows + P.trace_row0 + s - 1u) * n + inst] = q;
      }
    }
    if (!build) {
      break;
    }
    // Exp2Syn at section(0.5): the previous step's decay (cnexp), then this boundary's events (A and B jump by the
    // same w·factor, so g = B − A is unchanged until the next decay), then i = g(v_n − e) as a point current.
    for (var k = 0u; k < P.n_slots; k++) {
      let sk = syn[k];
      let nd = bitcast<u32>(sk.x);
      let a_at = (P.syn_base + 2u * k) * n + inst;
      var a = state[a_at];
      var b = state[a_at + n];
      if (step > 0u) {
        a *= sk.z;
        b *= sk.w;
      }
      let w = syn_events[((P.event_row0 + s) * P.n_slots + k) * n + inst];
      a += w;
      b += w;
      state[a_at] = a;
      state[a_at + n] = b;
      let g = (b - a) * node(nd, F_POINT);
      dd[nd] += g;
      rr[nd] -= g * (vv[nd] - sk.y);
    }
    // Pass 2 (leaves to root): Hines triangularisation.
    for (var i = nn - 1u; i > 0u; i--) {
      let p = parent_of(i);
      let ratio = node(i, F_B) / dd[i];
      dd[p] -= ratio * node(i, F_A);
      rr[p] += ratio * rr[i];
    }
  }
  for (var i = 0u; i < nn; i++) {
    state[i * n + v_at] = vv[i];
  }
  spikes[log0 + inst] = select(0u, 1u, above);
  spikes[log0 + n + inst] = count;
}
