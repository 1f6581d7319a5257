/**
 * Float64 CPU reference of one cell instance, step for step what kernels/hnn_cells.wgsl does (NEURON's fixed
 * step, hnn-model.md §6 and Appendix A). A debugging oracle for the float32 kernel, not the product.
 */
import {
  type CompiledNetwork,
  type CompiledPopulation,
  NO_COMPARTMENT,
  NODE,
  NODE_FIELDS,
  SLOT,
} from "../lowering/compile.ts";
import { kcaRates, lookup } from "../cells/mechanisms.ts";

export interface ReferenceTrace {
  /** Soma centre voltage per sample (nSteps + 1), mV. */
  somaV: Float64Array;
  /** Raw cell dipole per sample, fAm (0 at t = 0). */
  dipole: Float64Array;
  /** Steps n (spike at t_n) of upward threshold crossings at the soma. */
  spikeSteps: number[];
  /** Voltage of every node per sample, when asked for. */
  nodeV?: Float64Array[];
}

/** Simulate instance `instance` of a population; `nSteps` defaults to the network's. */
export function simulateReference(
  net: CompiledNetwork,
  pop: CompiledPopulation,
  options: { instance?: number; nSteps?: number; recordAll?: boolean } = {},
): ReferenceTrace {
  const { instance = 0, nSteps = net.nSteps, recordAll = false } = options;
  const { tables, constants: k, dt } = net;
  const { nNodes, nStates, node, topo, somaNode } = pop;
  const [amp, on, off] = pop.stim.subarray(3 * instance, 3 * instance + 3);
  const v = Float64Array.from(pop.v0);
  const g = Float64Array.from(pop.gates0);
  const d = new Float64Array(nNodes), rhs = new Float64Array(nNodes);
  const out: ReferenceTrace = {
    somaV: new Float64Array(nSteps + 1),
    dipole: new Float64Array(nSteps + 1),
    spikeSteps: [],
    nodeV: recordAll ? [Float64Array.from(v)] : undefined,
  };
  out.somaV[0] = v[somaNode];
  const hasKm = nStates > SLOT.kmN, hasL5 = nStates > SLOT.ica;
  let above = false;
  for (let step = 0; step < nSteps; step++) {
    const stim = step >= on && step < off ? amp : 0;
    for (let i = 0; i < nNodes; i++) {
      const f = i * NODE_FIELDS, comp = topo[2 * i + 1];
      d[i] = 0;
      rhs[i] = 0;
      if (comp !== NO_COMPARTMENT) {
        const s = comp * nStates, vi = v[i];
        if (step > 0) {
          // States of the previous step, advanced at the new voltage (cnexp), cad first.
          const cnexp = (slot: number, inf: number, tau: number) => {
            g[s + slot] += -Math.expm1(-dt / tau) * (inf - g[s + slot]);
          };
          const hh = (field: number) => lookup(tables, tables.hh2, vi, field);
          cnexp(SLOT.hh2M, hh(0), hh(1));
          cnexp(SLOT.hh2H, hh(2), hh(3));
          cnexp(SLOT.hh2N, hh(4), hh(5));
          if (hasKm) cnexp(SLOT.kmN, lookup(tables, tables.km, vi, 0), lookup(tables, tables.km, vi, 1));
          if (hasL5) {
            const drive = Math.max(0, -g[s + SLOT.ica] * k.cadDrivePerIca);
            const cai = g[s + SLOT.cai];
            g[s + SLOT.cai] = cai + node[f + NODE.cadK] * (drive * node[f + NODE.cadTaur] + k.cainf - cai);
            const ca = (field: number) => lookup(tables, tables.ca, vi, field);
            cnexp(SLOT.caM, ca(0), ca(1));
            cnexp(SLOT.caH, ca(2), ca(3));
            const [ninf, ntau] = kcaRates(g[s + SLOT.cai], k.tadj);
            cnexp(SLOT.kcaN, ninf, ntau);
            const ct = (field: number) => lookup(tables, tables.catAr, vi, field);
            cnexp(SLOT.catM, ct(0), ct(1));
            cnexp(SLOT.catH, ct(2), ct(3));
            cnexp(SLOT.arM, ct(4), ct(5));
          }
        }
        const m = g[s + SLOT.hh2M], h = g[s + SLOT.hh2H], n = g[s + SLOT.hh2N];
        const gna = node[f + NODE.gnabar] * m * m * m * h;
        const gk = node[f + NODE.gkbar] * n * n * n * n;
        const gl = node[f + NODE.gl];
        let cur = gna * (vi - k.ena) + gk * (vi - k.ek) + gl * (vi - node[f + NODE.el]);
        let cond = gna + gk + gl;
        if (hasKm) {
          const gkm = node[f + NODE.gkm] * g[s + SLOT.kmN];
          cur += gkm * (vi - k.ek);
          cond += gkm;
        }
        if (hasL5) {
          const eca = k.ktfHalf * Math.log(k.cao / g[s + SLOT.cai]);
          const cm = g[s + SLOT.caM];
          const gca = node[f + NODE.gca] * cm * cm * g[s + SLOT.caH];
          g[s + SLOT.ica] = gca * (vi - eca);
          const gkca = node[f + NODE.gkca] * g[s + SLOT.kcaN];
          const tm = g[s + SLOT.catM];
          const gcat = node[f + NODE.gcat] * tm * tm * g[s + SLOT.catH];
          const gar = node[f + NODE.gar] * g[s + SLOT.arM];
          cur += g[s + SLOT.ica] + gkca * (vi - k.ek) + gcat * (vi - k.eCat) + gar * (vi - k.eAr);
          cond += gca + gkca + gcat + gar;
        }
        d[i] = node[f + NODE.cdt] + cond;
        rhs[i] = -cur;
        if (i === somaNode) rhs[i] += stim * node[f + NODE.pointScale];
      }
      if (i > 0) {
        const p = topo[2 * i], a = node[f + NODE.a], b = node[f + NODE.b], dv = v[p] - v[i];
        d[i] += a;
        d[p] += b;
        rhs[i] += a * dv;
        rhs[p] -= b * dv;
      }
    }
    for (let i = nNodes - 1; i > 0; i--) {
      const p = topo[2 * i], f = i * NODE_FIELDS, r = node[f + NODE.b] / d[i];
      d[p] -= r * node[f + NODE.a];
      rhs[p] += r * rhs[i];
    }
    rhs[0] /= d[0];
    v[0] += rhs[0];
    let q = 0;
    for (let i = 1; i < nNodes; i++) {
      const p = topo[2 * i], f = i * NODE_FIELDS;
      rhs[i] = (rhs[i] + node[f + NODE.a] * rhs[p]) / d[i];
      v[i] += rhs[i];
      q += node[f + NODE.zcoef] * (v[p] - v[i]);
    }
    const vs = v[somaNode];
    if (vs > k.threshold) {
      if (!above) out.spikeSteps.push(step + 1);
      above = true;
    } else above = false;
    out.somaV[step + 1] = vs;
    out.dipole[step + 1] = q;
    out.nodeV?.push(Float64Array.from(v));
  }
  return out;
}
