/**
 * hnn-core cells on the GPU against NEURON reference runs (data/fixtures/hnn/). Each tonic fixture is
 * simulated once and shared by the assertions on it.
 */
import assert from "node:assert/strict";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { compileNetwork, NODE, NODE_FIELDS } from "../lib/hnn/lowering/compile.ts";
import { renormalizeDipole } from "../lib/hnn/output/dipole.ts";
import { fixturePath, type HnnFixture, readFixture, readGzipJson } from "../lib/hnn/reference/fixture.ts";
import { ION, segmentMechs, tadjMainen } from "../lib/hnn/cells/mechanisms.ts";
import { simulateReference } from "../lib/hnn/reference/cells_float64.ts";
import type { ReplayResult } from "../lib/hnn/output/report.ts";
import { replayFixture } from "../lib/hnn/reference/replay.ts";
import { cellCounts } from "../lib/hnn/network/positions.ts";
import { SpecError, validateSpec } from "../lib/hnn/spec/validate.ts";
import { pearson, relativeRmse } from "./reference/metrics.ts";

const runtime = await GpuRuntime.acquire();

// One replay per fixture, shared by every test that reads it.
const replays = new Map<string, Promise<{ fx: HnnFixture; out: ReplayResult }>>();
function replay(name: string) {
  let r = replays.get(name);
  if (!r) {
    const path = fixturePath(name);
    r = Promise.all([readFixture(path), replayFixture(runtime, path)]).then(([fx, out]) => ({ fx, out }));
    replays.set(name, r);
  }
  return r;
}

function spikesByGid(spikes: { times_ms: number[]; gids: number[] }): Map<number, number[]> {
  const by = new Map<number, number[]>();
  spikes.gids.forEach((g, i) => by.set(g, [...(by.get(g) ?? []), spikes.times_ms[i]]));
  return by;
}

for (const name of ["tonic_a.json.gz", "tonic_b.json.gz"]) {
  Deno.test(`${name}: every cell spikes as often as in NEURON, each spike within 0.2 ms`, async () => {
    const { fx, out } = await replay(name);
    const want = spikesByGid(fx.spikes), got = spikesByGid(out.spikes);
    assert.equal(out.spikes.times_ms.length, fx.spikes.times_ms.length, "total spikes");
    let worst = 0;
    for (const [gid, times] of want) {
      const mine = got.get(gid) ?? [];
      assert.equal(mine.length, times.length, `spikes of gid ${gid}`);
      times.forEach((t, k) => (worst = Math.max(worst, Math.abs(mine[k] - t))));
    }
    assert.equal(got.size, want.size, "cells that fired");
    assert.ok(worst <= 0.2, `worst spike-time error ${worst} ms > 0.2 ms`);
  });

  Deno.test(`${name}: recorded soma voltages correlate with NEURON's at r ≥ 0.99`, async () => {
    const { fx, out } = await replay(name);
    assert.deepEqual(Object.keys(out.soma_v_mV).sort(), Object.keys(fx.soma_v_mV).sort());
    for (const [gid, want] of Object.entries(fx.soma_v_mV)) {
      const r = pearson(out.soma_v_mV[gid], want);
      assert.ok(r >= 0.99, `gid ${gid}: r = ${r}`);
    }
  });

  Deno.test(`${name}: L2 and L5 dipoles within 2% RMSE of the reference's peak-to-peak`, async () => {
    const { fx, out } = await replay(name);
    assert.equal(out.times_ms.length, fx.times_ms.length);
    for (const layer of ["L2", "L5", "agg"] as const) {
      const e = relativeRmse(out.dipole_nAm_raw[layer], fx.dipole_nAm_raw[layer]);
      assert.ok(e <= 0.02, `${layer}: RMSE ${(100 * e).toFixed(4)}% of peak-to-peak`);
    }
  });
}

interface NeuronSegment {
  x: number;
  area_um2: number;
  ri_MOhm: number;
  mechs: Record<string, Record<string, number>>;
  dipole_ztan_um?: number;
}
interface NeuronSection {
  ri_end_MOhm: number;
  segments: NeuronSegment[];
  dipole_pp_ztan_um?: number;
}
type NeuronMorphology = Record<string, { sections: Record<string, NeuronSection> }>;

Deno.test("compiled morphology matches NEURON's (areas, axial resistances, conductances) within 1e-6", async () => {
  const fx = await readGzipJson(fixturePath("hnncore", "hnncore_morphology_neuron.json.gz")) as NeuronMorphology;
  const net = compileNetwork(validateSpec({ mesh_shape: [1, 1], dt_ms: 0.025, tstop_ms: 1 }));
  const tadj = tadjMainen(37);
  const close = (got: number, want: number, what: string) => {
    const rel = Math.abs(got - want) / Math.max(Math.abs(want), 1e-30);
    assert.ok(rel <= 1e-6, `${what}: ${got} vs NEURON ${want} (relative ${rel})`);
  };
  for (const pop of net.populations) {
    const sections = fx[pop.cellType].sections;
    let checked = 0;
    pop.tree.nodes.forEach((n, i) => {
      if (n.parent < 0) return;
      const sec = sections[n.section], what = `${pop.cellType} ${n.section}(${n.x.toFixed(3)})`;
      const f = pop.node.subarray(i * NODE_FIELDS);
      if (n.x === 1) {
        close(n.ri, sec.ri_end_MOhm, `${what} ri`);
        if (pop.layer) close(f[NODE.zcoef], sec.dipole_pp_ztan_um! / sec.ri_end_MOhm, `${what} ztan/ri`);
        return;
      }
      const seg = sec.segments.find((s) => Math.abs(s.x - n.x) < 1e-9);
      assert.ok(seg, `${what}: no such NEURON segment`);
      close(n.area, seg.area_um2, `${what} area`);
      close(n.ri, seg.ri_MOhm, `${what} ri`);
      close(f[NODE.pointScale], 100 / seg.area_um2, `${what} 100/area`);
      if (pop.layer) close(f[NODE.zcoef], seg.dipole_ztan_um! / seg.ri_MOhm, `${what} ztan/ri`);
      const m = seg.mechs;
      close(f[NODE.gnabar], m.hh2.gnabar, `${what} gnabar_hh2`);
      close(f[NODE.gkbar], m.hh2.gkbar, `${what} gkbar_hh2`);
      close(f[NODE.gl], m.hh2.gl, `${what} gl_hh2`);
      close(f[NODE.el], m.hh2.el, `${what} el_hh2`);
      const expect: [keyof typeof NODE, number | undefined][] = [
        ["gkm", m.km && 1e-4 * tadj * m.km.gbar],
        ["gca", m.ca && 1e-4 * tadj * m.ca.gbar],
        ["gkca", m.kca && 1e-4 * tadj * m.kca.gbar],
        ["gcat", m.cat?.gbar],
        ["gar", m.ar?.gbar],
        ["cadTaur", m.cad?.taur],
      ];
      for (const [field, want] of expect) {
        if (want === undefined) assert.equal(f[NODE[field]], 0, `${what}: no ${field}`);
        else close(f[NODE[field]], want, `${what} ${field}`);
      }
      checked++;
    });
    assert.equal(checked, pop.nComp, `${pop.cellType}: every compartment checked`);
  }
  // The L5 dendrites' ar gradient (hnn-model.md §1.3): 1e-6·exp(3e-3·d), d = 56 µm at the first trunk segment.
  const l5 = net.populations.find((p) => p.cellType === "L5_pyramidal")!;
  close(segmentMechs("L5_pyramidal", l5.tree.nodes[l5.somaNode + 2]).ar!, 1e-6 * Math.exp(3e-3 * 56), "ar gradient");
});

interface CellTraces {
  v_mV: Record<string, { x: number; v: number[] }[]>;
  dipole_fAm: number[];
}

Deno.test("float64 reference follows NEURON at every node until the first synaptic input (5 ms)", async () => {
  const fx = await readGzipJson(fixturePath("hnncore", "hnncore_single_cells_traces.json.gz")) as {
    cells: Record<string, CellTraces>;
  };
  const net = compileNetwork(validateSpec({ mesh_shape: [1, 1], dt_ms: 0.025, tstop_ms: 5 }));
  for (const [type, cell] of Object.entries(fx.cells)) {
    const pop = net.populations.find((p) => p.cellType === type)!;
    const ref = simulateReference(net, pop, { recordAll: true });
    let worst = 0;
    for (const [name, points] of Object.entries(cell.v_mV)) {
      for (const { x, v } of points) {
        // A dendrite's x = 0 is its parent's node; the soma's is the root.
        const nodes = pop.tree.nodes;
        const node = x === 0 && name !== "soma"
          ? nodes[nodes.findIndex((n) => n.section === name)].parent
          : nodes.findIndex((n) => n.section === name && Math.abs(n.x - x) < 1e-9);
        assert.ok(node >= 0, `${type} ${name}(${x}): no node`);
        for (let s = 0; s <= 200; s++) worst = Math.max(worst, Math.abs(ref.nodeV![s][node] - v[s]));
      }
    }
    // NEURON's traces carry 7 to 8 significant digits.
    assert.ok(worst < 2e-5, `${type}: worst node-voltage error ${worst} mV`);
    if (pop.layer) {
      for (let s = 1; s <= 200; s++) {
        const want = cell.dipole_fAm[s];
        assert.ok(Math.abs(ref.dipole[s] - want) <= 1e-6 * Math.abs(want) + 1e-6, `${type} dipole at step ${s}`);
      }
    }
  }
});

Deno.test("spec validation names the bad field; counts follow hnn-core's grid", () => {
  assert.throws(() => validateSpec({ mesh_shape: [10], dt_ms: 0.025, tstop_ms: 10 }), SpecError);
  assert.throws(() => validateSpec({ mesh_shape: [10, 10], dt_ms: -1, tstop_ms: 10 }), /dt_ms/);
  assert.throws(
    () => validateSpec({ mesh_shape: [2, 2], dt_ms: 0.025, tstop_ms: 10, tonic_biases: { L4_cell: {} } }),
    /tonic_biases\.L4_cell/,
  );
  assert.throws(() => validateSpec({ mesh_shape: [2, 2], dt_ms: 0.025, tstop_ms: 10, extra: 1 }), /"extra"/);
  assert.throws(() => validateSpec({ mesh_shape: [2, 2], dt_ms: 0.025, tstop_ms: 10, drives: [{}] }), /drives/);
  const spec = validateSpec({
    mesh_shape: [10, 10],
    dt_ms: 0.025,
    tstop_ms: 150,
    tonic_biases: { L5_pyramidal: { amplitude_nA: 1, t0_ms: 20 } },
  });
  assert.equal(spec.tonic_biases.L5_pyramidal!.tstop_ms, 150);
  assert.equal(spec.celsius, 37);
  assert.deepEqual(cellCounts([10, 10]), { L2_basket: 35, L2_pyramidal: 100, L5_basket: 35, L5_pyramidal: 100 });
  assert.deepEqual(cellCounts([3, 3]), { L2_basket: 3, L2_pyramidal: 9, L5_basket: 3, L5_pyramidal: 9 });
  assert.equal(ION.cadDrivePerIca, 10000 / (2 * 96485.3 * 0.1));
});

Deno.test("dipole baseline renormalisation: hnn-core's per-layer offsets and its 37 ms switch", async () => {
  const { fx } = await replay("tonic_a.json.gz");
  const net = compileNetwork(validateSpec({ mesh_shape: [10, 10], dt_ms: 0.025, tstop_ms: 150 }));
  const zero = new Float64Array(net.nSteps + 1);
  const d = renormalizeDipole(zero, zero, net.tAccum, net.nPyramidal);
  assert.equal(d.L2[0], -100 * 0.0443 * 1e-6);
  // The fixture keeps 7 decimals (nAm); the raw dipole is exactly 0 at t = 0.
  assert.ok(Math.abs(d.L5[0] - fx.dipole_nAm_raw.L5[0]) <= 5e-8, `L5[0] = ${d.L5[0]}`);
  assert.ok(Math.abs(d.L2[0] - fx.dipole_nAm_raw.L2[0]) <= 5e-8, `L2[0] = ${d.L2[0]}`);
  // The baseline switches branch after accumulated t = 37 ms (sample 1480 is still ≤ 37).
  assert.equal(d.L5[1480], 100 * 49.0502 * 1e-6);
  assert.ok(Math.abs(d.L5[1481] + 100 * (3.4770508e-3 * net.tAccum[1481] - 51.231085) * 1e-6) < 1e-15);
});
