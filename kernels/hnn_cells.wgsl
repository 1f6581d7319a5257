// hnn-core cells (L2/L5 pyramidal, basket) under NEURON's fixed step: backward Euler on the node tree
// (Hines elimination), cnexp gate updates and Exp2Syn synapses, float32, one thread per cell instance, many steps
// per dispatch. Synaptic events arrive precomputed per step (kernels/hnn_events.wgsl); spikes go to a log shared
// by every population of the network.
// Every per-instance array is instance-major ([slot][instance]) so neighbouring threads touch neighbouring
// words. Layout and step order: docs/hnn-gpu-layout.md. The float64 twin is lib/hnn/reference.ts.

struct Table {
  off: u32,     // first value of the table in `tables`
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
  hh2: Table,         // fields: minf mtau hinf htau ninf ntau
  km: Table,          // ninf ntau
  ca: Table,          // minf mtau hinf htau
  catar: Table,       // cat minf mtau hinf htau, ar minf mtau
  syn_base: u32,      // state slot of the first synapse's A (then B, then the next synapse)
  event_row0: u32,    // row of `syn_events` for this dispatch's first step
}

// Per-node constants (lib/hnn/compile.ts NODE): 16 values per node.
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
const MAX_NODES: u32 = 128u;  // nodes per cell (lib/hnn/cells_gpu.ts checks)

// Gating slots inside a compartment (compile.ts SLOT).
const S_M: u32 = 0u;
const S_H: u32 = 1u;
const S_N: u32 = 2u;
const S_KM: u32 = 3u;
const S_CAM: u32 = 4u;
const S_CAH: u32 = 5u;
const S_CAI: u32 = 6u;
const S_KCA: u32 = 7u;
const S_CATM: u32 = 8u;
const S_CATH: u32 = 9u;
const S_AR: u32 = 10u;
const S_ICA: u32 = 11u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> nodes: array<f32>;           // n_nodes × NF
@group(0) @binding(2) var<storage, read> topo: array<u32>;            // n_nodes × (parent, compartment)
@group(0) @binding(3) var<storage, read> tables: array<f32>;
@group(0) @binding(4) var<storage, read_write> state: array<f32>;     // V per node, then gates
@group(0) @binding(5) var<storage, read> stim: array<f32>;            // 3 × n_inst: amp, on step, off step
@group(0) @binding(6) var<storage, read_write> trace: array<f32>;     // 2 × trace_rows × n_inst
@group(0) @binding(7) var<storage, read_write> spikes: array<u32>;    // from spike_base: (2 + spike_cap) × n_inst
@group(0) @binding(8) var<storage, read> syn: array<f32>;             // n_slots × (node, e, e^(−dt/τ1), e^(−dt/τ2))
@group(0) @binding(9) var<storage, read> syn_events: array<f32>;      // [row][slot][instance]: w·factor at the step

struct Look {
  row: u32,     // index of the lower row's first value
  stride: u32,  // values per row
  theta: f32,
}

// NMODL's table lookup: clamp below the first and above the last row, else linear interpolation.
fn locate(t: Table, v: f32, fields: u32) -> Look {
  let xi = t.mfac * (v - t.vmin);
  if (xi <= 0.0) {
    return Look(t.off, fields, 0.0);
  }
  if (xi >= f32(t.n)) {
    return Look(t.off + (t.n - 1u) * fields, fields, 1.0);
  }
  let i = u32(xi);
  return Look(t.off + i * fields, fields, xi - f32(i));
}

fn interp(l: Look, field: u32) -> f32 {
  let lo = tables[l.row + field];
  return lo + l.theta * (tables[l.row + l.stride + field] - lo);
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

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let inst = gid.x + gid.y * P.row_stride;
  let n = P.n_inst;
  if (inst >= n) {
    return;
  }
  let nn = P.n_nodes;
  let v_at = inst;                 // V[node] = state[node * n + inst]
  let g_at = nn * n + inst;        // gate[comp, slot] = state[(comp * n_states + slot) * n + g_at]
  let amp = stim[inst];
  let on = u32(stim[n + inst]);
  let off = u32(stim[2u * n + inst]);
  let has_km = P.n_states > S_KM;
  let has_l5 = P.n_states > S_ICA;
  let log0 = P.spike_base;
  var above = spikes[log0 + inst] != 0u;
  var count = spikes[log0 + n + inst];
  // The tree solve's diagonal and right-hand side (ΔV after back substitution): per-thread scratch.
  var dd: array<f32, MAX_NODES>;
  var rr: array<f32, MAX_NODES>;

  for (var s = 0u; s < P.n_steps; s++) {
    let step = P.step0 + s;
    var i_stim = 0.0;
    if (step >= on && step < off) {
      i_stim = amp;
    }
    // Pass 1 (root to leaves): membrane currents and conductances at v_n, then the axial terms.
    for (var i = 0u; i < nn; i++) {
      let f = i * NF;
      let comp = topo[2u * i + 1u];
      var d = 0.0;
      var rhs = 0.0;
      let vi = state[i * n + v_at];
      if (comp != NO_COMP) {
        let gb = comp * P.n_states;
        var m = state[(gb + S_M) * n + g_at];
        var h = state[(gb + S_H) * n + g_at];
        var nk = state[(gb + S_N) * n + g_at];
        // The previous step's state update (NEURON's nonvint) at the new voltage, fused into this pass.
        let pending = step > 0u;
        if (pending) {
          let l = locate(P.hh2, vi, 6u);
          m = relax(m, interp(l, 0u), interp(l, 1u));
          h = relax(h, interp(l, 2u), interp(l, 3u));
          nk = relax(nk, interp(l, 4u), interp(l, 5u));
          state[(gb + S_M) * n + g_at] = m;
          state[(gb + S_H) * n + g_at] = h;
          state[(gb + S_N) * n + g_at] = nk;
        }
        let gna = nodes[f + F_GNABAR] * m * m * m * h;
        let gk = nodes[f + F_GKBAR] * nk * nk * nk * nk;
        let gl = nodes[f + F_GL];
        var cur = gna * (vi - P.ena) + gk * (vi - P.ek) + gl * (vi - nodes[f + F_EL]);
        var cond = gna + gk + gl;
        if (has_km) {
          var q = state[(gb + S_KM) * n + g_at];
          if (pending) {
            let l = locate(P.km, vi, 2u);
            q = relax(q, interp(l, 0u), interp(l, 1u));
            state[(gb + S_KM) * n + g_at] = q;
          }
          let g = nodes[f + F_GKM] * q;
          cur += g * (vi - P.ek);
          cond += g;
        }
        if (has_l5) {
          var cai = state[(gb + S_CAI) * n + g_at];
          var cm = state[(gb + S_CAM) * n + g_at];
          var ch = state[(gb + S_CAH) * n + g_at];
          var kn = state[(gb + S_KCA) * n + g_at];
          var tm = state[(gb + S_CATM) * n + g_at];
          var th = state[(gb + S_CATH) * n + g_at];
          var ar = state[(gb + S_AR) * n + g_at];
          if (pending) {
            // cad first (it writes cai), from the ica of the previous current evaluation.
            let drive = max(0.0, -state[(gb + S_ICA) * n + g_at] * P.cad_drive);
            cai += nodes[f + F_CADK] * (drive * nodes[f + F_CADTAUR] + P.cainf - cai);
            let lc = locate(P.ca, vi, 4u);
            cm = relax(cm, interp(lc, 0u), interp(lc, 1u));
            ch = relax(ch, interp(lc, 2u), interp(lc, 3u));
            let a = 0.01 * cai;
            kn = relax(kn, a / (a + 0.02), 1.0 / (P.tadj * (a + 0.02)));
            let lt = locate(P.catar, vi, 6u);
            tm = relax(tm, interp(lt, 0u), interp(lt, 1u));
            th = relax(th, interp(lt, 2u), interp(lt, 3u));
            ar = relax(ar, interp(lt, 4u), interp(lt, 5u));
            state[(gb + S_CAI) * n + g_at] = cai;
            state[(gb + S_CAM) * n + g_at] = cm;
            state[(gb + S_CAH) * n + g_at] = ch;
            state[(gb + S_KCA) * n + g_at] = kn;
            state[(gb + S_CATM) * n + g_at] = tm;
            state[(gb + S_CATH) * n + g_at] = th;
            state[(gb + S_AR) * n + g_at] = ar;
          }
          let eca = P.ktf_half * log(P.cao / cai);
          let gca = nodes[f + F_GCA] * cm * cm * ch;
          let ica = gca * (vi - eca);
          state[(gb + S_ICA) * n + g_at] = ica;
          let gkca = nodes[f + F_GKCA] * kn;
          let gcat = nodes[f + F_GCAT] * tm * tm * th;
          let gar = nodes[f + F_GAR] * ar;
          cur += ica + gkca * (vi - P.ek) + gcat * (vi - P.e_cat) + gar * (vi - P.e_ar);
          cond += gca + gkca + gcat + gar;
        }
        d = nodes[f + F_CDT] + cond;
        rhs = -cur;
        if (i == P.soma_node) {
          rhs += i_stim * nodes[f + F_POINT];
        }
      }
      if (i > 0u) {
        // Parents come first, so the parent's row is already initialised.
        let p = topo[2u * i];
        let a = nodes[f + F_A];
        let b = nodes[f + F_B];
        let dv = state[p * n + v_at] - vi;
        d += a;
        rhs += a * dv;
        dd[p] += b;
        rr[p] -= b * dv;
      }
      dd[i] = d;
      rr[i] = rhs;
    }
    // Exp2Syn at section(0.5): the previous step's decay (cnexp), then this boundary's events (A and B jump by the
    // same w·factor, so g = B − A is unchanged until the next decay), then i = g(v_n − e) as a point current.
    for (var k = 0u; k < P.n_slots; k++) {
      let node = bitcast<u32>(syn[4u * k]);
      let a_at = (P.syn_base + 2u * k) * n + inst;
      var a = state[a_at];
      var b = state[a_at + n];
      if (step > 0u) {
        a *= syn[4u * k + 2u];
        b *= syn[4u * k + 3u];
      }
      let w = syn_events[((P.event_row0 + s) * P.n_slots + k) * n + inst];
      a += w;
      b += w;
      state[a_at] = a;
      state[a_at + n] = b;
      let g = (b - a) * nodes[node * NF + F_POINT];
      dd[node] += g;
      rr[node] -= g * (state[node * n + v_at] - syn[4u * k + 1u]);
    }
    // Pass 2 (leaves to root): Hines triangularisation.
    for (var i = nn - 1u; i > 0u; i--) {
      let p = topo[2u * i];
      let f = i * NF;
      let ratio = nodes[f + F_B] / dd[i];
      dd[p] -= ratio * nodes[f + F_A];
      rr[p] += ratio * rr[i];
    }
    // Pass 3 (root to leaves): back substitution for ΔV, v += ΔV, and the dipole over every axial link.
    let dv0 = rr[0] / dd[0];
    rr[0] = dv0;
    state[v_at] += dv0;
    var q = 0.0;
    for (var i = 1u; i < nn; i++) {
      let p = topo[2u * i];
      let f = i * NF;
      let dvi = (rr[i] + nodes[f + F_A] * rr[p]) / dd[i];
      rr[i] = dvi;
      let vi = state[i * n + v_at] + dvi;
      state[i * n + v_at] = vi;
      q += nodes[f + F_ZCOEF] * (state[p * n + v_at] - vi);
    }
    // Spike detection at the soma: upward crossing, re-armed below threshold (NEURON's ConditionEvent).
    let vs = state[P.soma_node * n + v_at];
    if (vs > P.threshold) {
      if (!above) {
        if (count < P.spike_cap) {
          spikes[log0 + (2u + count) * n + inst] = step + 1u;
        }
        count += 1u;
      }
      above = true;
    } else {
      above = false;
    }
    if ((P.record & 1u) != 0u) {
      trace[(P.trace_row0 + s) * n + inst] = vs;
    }
    if ((P.record & 2u) != 0u) {
      trace[(P.trace_rows + P.trace_row0 + s) * n + inst] = q;
    }
  }
  spikes[log0 + inst] = select(0u, 1u, above);
  spikes[log0 + n + inst] = count;
}
