/**
 * Exp2Syn synapses as hnn-core places them: one per (section, receptor) at the section's middle, with NEURON's
 * peak-normalising factor so that a weight w gives a peak conductance of w µS.
 */
import type { CellTree } from "./morphology.ts";
import type { CellType, Receptor } from "../spec/types.ts";

export interface ReceptorKinetics {
  /** Reversal potential, mV. */
  e: number;
  /** Rise and decay time constants, ms. */
  tau1: number;
  tau2: number;
}

/** `params_default.py`: the same four receptors on every cell type of `jones_2009_model`. */
export const RECEPTOR_KINETICS: Record<Receptor, ReceptorKinetics> = {
  ampa: { e: 0, tau1: 0.5, tau2: 5 },
  nmda: { e: 0, tau1: 1, tau2: 20 },
  gabaa: { e: -80, tau1: 0.5, tau2: 5 },
  gabab: { e: -80, tau1: 1, tau2: 20 },
};

/** exp2syn.mod's factor: 1/(exp(−tp/τ2) − exp(−tp/τ1)) at the peak time tp. */
export function exp2synFactor({ tau1, tau2 }: ReceptorKinetics): number {
  const tp = ((tau1 * tau2) / (tau2 - tau1)) * Math.log(tau2 / tau1);
  return 1 / (-Math.exp(-tp / tau1) + Math.exp(-tp / tau2));
}

export interface SynapseSlot {
  /** `<section>_<receptor>`, hnn-core's synapse name. */
  name: string;
  section: string;
  receptor: Receptor;
  /** Tree node of section(0.5), where the point process sits. */
  node: number;
  kinetics: ReceptorKinetics;
  factor: number;
}

/** The synapse slots of a cell type that receive at least one NetCon, in first-use order. */
export function synapseSlots(type: CellType, tree: CellTree, names: Iterable<string>): SynapseSlot[] {
  const slots: SynapseSlot[] = [];
  for (const name of new Set(names)) {
    const cut = name.lastIndexOf("_");
    const section = name.slice(0, cut), receptor = name.slice(cut + 1) as Receptor;
    const kinetics = RECEPTOR_KINETICS[receptor];
    if (!kinetics) throw new Error(`${type}: unknown receptor in synapse ${name}`);
    // nseg is always odd, so section(0.5) is a segment centre.
    const node = tree.nodes.findIndex((n) => n.section === section && Math.abs(n.x - 0.5) < 1e-9);
    if (node < 0) throw new Error(`${type} has no section ${section} for synapse ${name}`);
    slots.push({ name, section, receptor, node, kinetics, factor: exp2synFactor(kinetics) });
  }
  return slots;
}
