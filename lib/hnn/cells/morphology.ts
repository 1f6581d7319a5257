/**
 * hnn-core's four cell templates (cells_default.py, params_default.py) and NEURON's discretisation of them
 * into a tree of nodes: one node per segment centre (membrane), one zero-area node at each section's x = 1
 * end, and a zero-area root at the soma's x = 0 end (treeset.cpp::nrn_area_ri).
 */
import type { CellType } from "../spec/types.ts";

type Point = readonly [number, number, number];

export interface SectionTemplate {
  name: string;
  /** µm */
  L: number;
  /** µm */
  diam: number;
  /** µF/cm² */
  cm: number;
  /** Ω·cm */
  Ra: number;
  parent: string | null;
  /** Where on the parent the section's x = 0 end attaches. */
  parentX: 0 | 1;
  /** The template's end points; only their direction matters (the dipole's cos θ against the apical trunk). */
  endPts: readonly [Point, Point];
  /** Initial voltage of every node of the section, mV. */
  v0: number;
}

export interface CellTemplate {
  sections: SectionTemplate[];
  /** hnn-core's cell_metadata["measure_dipole"]. */
  measureDipole: boolean;
}

function section(
  name: string,
  L: number,
  diam: number,
  cm: number,
  parent: string | null,
  parentX: 0 | 1,
  endPts: readonly [Point, Point],
  v0: number,
): SectionTemplate {
  return { name, L, diam, cm, Ra: 200, parent, parentX, endPts, v0 };
}

function l2Pyramidal(): CellTemplate {
  const cm = 0.6195, v0 = -71.46;
  return {
    measureDipole: true,
    sections: [
      section("soma", 22.1, 23.4, cm, null, 0, [[-50, 0, 765], [-50, 0, 778]], v0),
      section("apical_trunk", 59.5, 4.25, cm, "soma", 1, [[-50, 0, 778], [-50, 0, 813]], v0),
      section("apical_1", 306, 4.08, cm, "apical_trunk", 1, [[-50, 0, 813], [-50, 0, 993]], v0),
      section("apical_tuft", 238, 3.4, cm, "apical_1", 1, [[-50, 0, 993], [-50, 0, 1133]], v0),
      section("apical_oblique", 340, 3.91, cm, "apical_trunk", 1, [[-50, 0, 813], [-250, 0, 813]], v0),
      section("basal_1", 85, 4.25, cm, "soma", 0, [[-50, 0, 765], [-50, 0, 715]], v0),
      section("basal_2", 255, 2.72, cm, "basal_1", 1, [[-50, 0, 715], [-156, 0, 609]], v0),
      section("basal_3", 255, 2.72, cm, "basal_1", 1, [[-50, 0, 715], [56, 0, 609]], v0),
    ],
  };
}

function l5Pyramidal(): CellTemplate {
  const cm = 0.85;
  return {
    measureDipole: true,
    sections: [
      section("soma", 39, 28.9, cm, null, 0, [[0, 0, 0], [0, 0, 23]], -72),
      section("apical_trunk", 102, 10.2, cm, "soma", 1, [[0, 0, 23], [0, 0, 83]], -72),
      section("apical_1", 680, 7.48, cm, "apical_trunk", 1, [[0, 0, 83], [0, 0, 483]], -71.32),
      section("apical_2", 680, 4.93, cm, "apical_1", 1, [[0, 0, 483], [0, 0, 883]], -69.08),
      section("apical_tuft", 425, 3.4, cm, "apical_2", 1, [[0, 0, 883], [0, 0, 1133]], -67.30),
      section("apical_oblique", 255, 5.1, cm, "apical_trunk", 1, [[0, 0, 83], [-150, 0, 83]], -72),
      section("basal_1", 85, 6.8, cm, "soma", 0, [[0, 0, 0], [0, 0, -50]], -72),
      section("basal_2", 255, 8.5, cm, "basal_1", 1, [[0, 0, -50], [-106, 0, -156]], -72),
      section("basal_3", 255, 8.5, cm, "basal_1", 1, [[0, 0, -50], [106, 0, -156]], -72),
    ],
  };
}

function basket(): CellTemplate {
  return {
    measureDipole: false,
    sections: [section("soma", 39, 20, 0.85, null, 0, [[0, 0, 0], [0, 0, 39]], -64.9737)],
  };
}

export function cellTemplate(type: CellType): CellTemplate {
  switch (type) {
    case "L2_pyramidal":
      return l2Pyramidal();
    case "L5_pyramidal":
      return l5Pyramidal();
    case "L2_basket":
    case "L5_basket":
      return basket();
  }
}

/** cell.py::_get_nseg: one segment up to 100 µm, else about one per 50 µm, always odd. */
export function nsegOf(L: number): number {
  if (L <= 100) return 1;
  const n = Math.trunc(L / 50);
  return n % 2 === 0 ? n + 1 : n;
}

/** One node of the discretised tree. Parents always precede children (Hines order). */
export interface TreeNode {
  /** -1 for the root. */
  parent: number;
  section: string;
  /** Position along the section: segment centre, or 0 / 1 for the zero-area ends. */
  x: number;
  /** Membrane area, µm²; 0 for zero-area nodes. */
  area: number;
  /** Axial resistance to the parent node, MΩ (0 for the root). */
  ri: number;
  /** z-projected length of the link to the parent, µm (hnn-core's dipole ztan). */
  ztan: number;
  /** Path distance from the soma's x = 0 end, µm (hnn-core's distance for _exp_g_at_dist). */
  distance: number;
  diam: number;
  cm: number;
  v0: number;
}

export interface CellTree {
  nodes: TreeNode[];
  /** Index of the soma's centre node (spike detection, somatic current injection). */
  somaNode: number;
  measureDipole: boolean;
}

function direction(s: SectionTemplate): Point {
  const [a, b] = s.endPts;
  return [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
}

/** cell.py::_get_cos_theta: cosine between a section and the apical trunk (1 when there is no trunk). */
function cosTheta(s: SectionTemplate, trunk: SectionTemplate | undefined): number {
  if (!trunk) return 1;
  const u = direction(s), w = direction(trunk);
  const dot = u[0] * w[0] + u[1] * w[1] + u[2] * w[2];
  return dot / (Math.hypot(...u) * Math.hypot(...w));
}

/** Build NEURON's node tree for a cell type: areas, axial resistances, dipole terms, path distances. */
export function buildTree(type: CellType): CellTree {
  const template = cellTemplate(type);
  const byName = new Map(template.sections.map((s) => [s.name, s]));
  const trunk = byName.get("apical_trunk");
  const nodes: TreeNode[] = [];
  // Node index of each section's x = 0 node, x = 1 node, and its path distance at x = 0.
  const ends = new Map<string, { n0: number; n1: number; d0: number }>();
  for (const s of template.sections) {
    const nseg = nsegOf(s.L);
    const dx = s.L / nseg;
    const rHalf = 1e-2 * s.Ra * (dx / 2) / (Math.PI * s.diam * s.diam / 4);
    const cos = cosTheta(s, trunk);
    let n0: number, d0: number;
    if (s.parent === null) {
      n0 = nodes.length;
      d0 = 0;
      nodes.push({
        parent: -1,
        section: s.name,
        x: 0,
        area: 0,
        ri: 0,
        ztan: 0,
        distance: 0,
        diam: s.diam,
        cm: s.cm,
        v0: s.v0,
      });
    } else {
      const p = ends.get(s.parent);
      const ps = byName.get(s.parent);
      if (!p || !ps) throw new Error(`section ${s.name}: parent ${s.parent} must come first`);
      n0 = s.parentX === 1 ? p.n1 : p.n0;
      d0 = p.d0 + s.parentX * ps.L;
    }
    let prev = n0;
    for (let k = 0; k < nseg; k++) {
      const x = (2 * k + 1) / (2 * nseg);
      nodes.push({
        parent: prev,
        section: s.name,
        x,
        area: Math.PI * s.diam * dx,
        ri: k === 0 ? rHalf : 2 * rHalf,
        ztan: (k === 0 ? dx / 2 : dx) * cos,
        distance: d0 + x * s.L,
        diam: s.diam,
        cm: s.cm,
        v0: s.v0,
      });
      prev = nodes.length - 1;
    }
    nodes.push({
      parent: prev,
      section: s.name,
      x: 1,
      area: 0,
      ri: rHalf,
      ztan: (dx / 2) * cos,
      distance: d0 + s.L,
      diam: s.diam,
      cm: s.cm,
      v0: s.v0,
    });
    ends.set(s.name, { n0, n1: nodes.length - 1, d0 });
  }
  const somaNode = nodes.findIndex((n) => n.section === "soma" && n.area > 0);
  return { nodes, somaNode, measureDipole: template.measureDipole };
}
