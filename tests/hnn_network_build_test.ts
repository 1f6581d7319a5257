import assert from "node:assert/strict";
import { fixturePath, readGzipJson } from "../lib/hnn/reference/fixture.ts";
import { buildNetcons } from "../lib/hnn/network/connections.ts";
import { CELL_TYPES, type ConnectionSpec, type DriveSpec } from "../lib/hnn/spec/types.ts";
import { driveCellEventTimes, driveConnections, driveGidRanges } from "../lib/hnn/network/drives.ts";
import { erpDrives, jones2009Connections, PAPER_ERP_RULES, paperBetaDrives } from "../lib/hnn/network/jones2009.ts";
import { networkInstance } from "../lib/hnn/network/instance.ts";
import { cellLayout } from "../lib/hnn/network/positions.ts";
import { exp2synFactor, RECEPTOR_KINETICS } from "../lib/hnn/cells/synapses.ts";
import { buildWiring, cellDelaySteps } from "../lib/hnn/lowering/wiring.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";

interface NetworkFixture {
  gid_ranges: Record<string, [number, number]>;
  cell_positions: Record<string, number[][]>;
  netcons: { columns: string[]; rows: [number, number, string, number, number, number][] };
  spikes: { times_ms: number[]; gids: number[] };
  tstop_ms: number;
  theta_uS?: Record<keyof typeof PAPER_ERP_RULES, number>;
  theta?: { dist_var_ms: number; prox_var_ms: number };
}

async function readFixture(name: string): Promise<NetworkFixture> {
  return await readGzipJson(fixturePath(`${name}.json.gz`)) as NetworkFixture;
}

const layout = cellLayout([10, 10]);

function networkOf(name: string, f: NetworkFixture): { connections: ConnectionSpec[]; drives: DriveSpec[] } {
  const connections = jones2009Connections();
  if (name === "erp_jones2009") return { connections, drives: erpDrives() };
  if (name === "paper_erp_a") {
    for (const [key, index] of Object.entries(PAPER_ERP_RULES)) {
      connections[index].weight_uS = f.theta_uS![key as keyof typeof PAPER_ERP_RULES];
    }
    return { connections, drives: erpDrives({ cellSpecific: false, eventSeeds: [4, 4, 4] }) };
  }
  return { connections, drives: paperBetaDrives(f.theta!.dist_var_ms, f.theta!.prox_var_ms) };
}

Deno.test("hnn network: cell positions and gid blocks are hnn-core's", async () => {
  const f = await readFixture("erp_jones2009");
  for (const type of CELL_TYPES) {
    assert.deepEqual(layout.positions[type], f.cell_positions[type], type);
    assert.equal(layout.gidStart[type], f.gid_ranges[type][0], type);
  }
  assert.deepEqual(layout.origin, [4, 4, 653]);
});

for (const name of ["erp_jones2009", "paper_erp_a", "paper_beta_a"]) {
  Deno.test(`hnn network: NetCons of ${name} match hnn-core's (same src, tgt, synapse; weight, delay 1e-6 rel.)`, async () => {
    const f = await readFixture(name);
    const { connections, drives } = networkOf(name, f);
    const ranges = driveGidRanges(drives, layout);
    drives.forEach((d, k) => assert.deepEqual(ranges[k], f.gid_ranges[d.name], `gid range of ${d.name}`));
    const ours = buildNetcons(layout, connections, driveConnections(drives, layout));
    const theirs = new Map(f.netcons.rows.map((r) => [`${r[0]} ${r[1]} ${r[2]}`, r]));
    assert.equal(ours.src.length, f.netcons.rows.length, "number of NetCons");
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    for (let i = 0; i < ours.src.length; i++) {
      const key = `${ours.src[i]} ${ours.tgt[i]} ${ours.synapse[i]}`;
      const ref = theirs.get(key);
      assert.ok(ref, `NetCon ${key} is not in hnn-core's network`);
      assert.ok(rel(ours.weight[i], ref[3]) <= 1e-6, `${key}: weight ${ours.weight[i]} vs ${ref[3]}`);
      assert.ok(
        rel(ours.delay[i], ref[4]) <= 1e-6 || ours.delay[i] === ref[4],
        `${key}: delay ${ours.delay[i]} vs ${ref[4]}`,
      );
      theirs.delete(key);
    }
    assert.equal(theirs.size, 0, "every NetCon of hnn-core's is built once");
  });
}

for (const name of ["erp_jones2009", "paper_erp_a", "paper_beta_a"]) {
  Deno.test(`hnn network: drive event times of ${name} are hnn-core's (numpy RandomState, 1e-9 ms)`, async () => {
    const f = await readFixture(name);
    const { drives } = networkOf(name, f);
    const ranges = driveGidRanges(drives, layout);
    const byGid = new Map<number, number[]>();
    f.spikes.gids.forEach((g, i) => byGid.set(g, [...(byGid.get(g) ?? []), f.spikes.times_ms[i]]));
    let compared = 0;
    drives.forEach((drive, k) => {
      const [start, stop] = ranges[k];
      for (let gid = start; gid < stop; gid++) {
        const ours = driveCellEventTimes(drive, gid - start, f.tstop_ms, layout);
        const theirs = (byGid.get(gid) ?? []).sort((a, b) => a - b);
        assert.equal(ours.length, theirs.length, `${drive.name} cell ${gid - start}: event count`);
        ours.forEach((t, i) =>
          assert.ok(Math.abs(t - theirs[i]) < 1e-9, `${drive.name} cell ${gid - start}: ${t} vs ${theirs[i]}`)
        );
        compared += ours.length;
      }
    });
    assert.ok(compared > 0);
  });
}

Deno.test("hnn network: Exp2Syn factors are NEURON's (1e-12 rel.)", () => {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * b;
  assert.ok(close(exp2synFactor(RECEPTOR_KINETICS.ampa), 1.435055183349871));
  assert.ok(close(exp2synFactor(RECEPTOR_KINETICS.nmda), 1.2323999091818731));
  assert.ok(close(exp2synFactor({ e: -80, tau1: 45, tau2: 200 }), 1.9896392539612353));
});

Deno.test("hnn network: wiring by target keeps every NetCon that can act before tstop", async () => {
  const f = await readFixture("erp_jones2009");
  const { connections, drives } = networkOf("erp_jones2009", f);
  const netcons = buildNetcons(layout, connections, driveConnections(drives, layout));
  const names = new Map<string, number>();
  const wiring = buildWiring(netcons, {
    cells: layout.cells,
    sources: 1045,
    dt: 0.025,
    tstop: f.tstop_ms,
    slotOf: (_, synapse) => names.get(synapse) ?? names.set(synapse, names.size).get(synapse)!,
  });
  const expectedPruned = Array.from(netcons.delay).filter((d) => d > f.tstop_ms).length;
  assert.equal(wiring.pruned, expectedPruned);
  assert.ok(expectedPruned > 0);
  assert.equal(wiring.offsets[layout.cells], netcons.src.length - expectedPruned);
  assert.equal(wiring.minCellDelaySteps, 40, "D = 1 ms is 40 steps of 0.025 ms");
  // A neighbour at d = 1 (λ = 3): D = 1.1175 ms, delivered ceil((D + 1e-10 − dt/2)/dt) = 45 steps later.
  assert.equal(cellDelaySteps(1.1175190687418637, 0.025), 45);
  assert.equal(cellDelaySteps(1, 0.5), 2);
  for (let g = 0; g < layout.cells; g++) {
    for (let r = wiring.offsets[g]; r < wiring.offsets[g + 1]; r++) {
      if (wiring.src[r] < layout.cells) assert.ok(wiring.delaySteps[r] >= 40);
    }
  }
});

Deno.test("hnn network: a parameter sets a drive's timing as θ + offset (latency after a fixed time)", () => {
  const spec = validateSpec({
    mesh_shape: [1, 1],
    dt_ms: 0.5,
    tstop_ms: 350,
    drives: [{
      type: "evoked",
      name: "distal",
      mu: 200,
      sigma: 0,
      numspikes: 1,
      location: "distal",
      cell_specific: false,
      n_drive_cells: 1,
      weights_ampa: { L5_pyramidal: 1e-4 },
    }],
    parameters: [{ name: "latency", sets: [{ drive: "distal", field: "mu", offset: 200 }] }],
  });
  assert.deepEqual(networkInstance(spec, [-30]).driveEvents, [[170]]);
  assert.deepEqual(networkInstance(spec, [75]).driveEvents, [[275]]);
  assert.throws(
    () => validateSpec({ ...spec, parameters: [{ name: "x", sets: [{ drive: "distal", field: "mu", offset: "a" }] }] }),
    /offset must be a finite number/,
  );
});
