/**
 * hnn-core's own 3×3 network with every kind of drive (evoked, bursty, Poisson) and a tonic bias, imported from its
 * saved JSON and simulated with neurosbi's own drive events: NetCons, event times, spikes and raw dipoles against
 * hnn-core + NEURON (`hnncore_json3x3_drives_raw_fAm.json.gz`).
 */
import assert from "node:assert/strict";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { fixturePath, readGzipJson } from "../lib/hnn/reference/fixture.ts";
import { compileNetwork } from "../lib/hnn/lowering/compile.ts";
import { HNN_REQUIRED_LIMITS } from "../lib/models/hnn.ts";
import { buildNetcons } from "../lib/hnn/network/connections.ts";
import { driveConnections, driveGidRanges } from "../lib/hnn/network/drives.ts";
import { specFromHnnCoreJson } from "../lib/hnn/network/hnncore_json.ts";
import { networkInstance } from "../lib/hnn/network/instance.ts";
import { cellLayout } from "../lib/hnn/network/positions.ts";
import { simulateNetwork } from "../lib/hnn/gpu/simulate.ts";
import { CELL_TYPES } from "../lib/hnn/spec/types.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";
import { pearson } from "./reference/metrics.ts";

const json = await readGzipJson(fixturePath("hnncore", "neymotin2020_3x3_drives.json.gz"));
/** The fields of hnn-core's run read here. */
interface Json3x3Fixture {
  dt_ms: number;
  tstop_ms: number;
  gid_ranges: Record<string, [number, number]>;
  netcons_trial0: { rows: [number, number, string, number, number][] };
  trials: { drive_events: Record<string, number[][]>; spike_gids: number[]; dipole: Record<string, number[]> }[];
}
const fixture = await readGzipJson(
  fixturePath("hnncore", "hnncore_json3x3_drives_raw_fAm.json.gz"),
) as Json3x3Fixture;
const trial = fixture.trials[0];
const spec = validateSpec(specFromHnnCoreJson(json, fixture.dt_ms, fixture.tstop_ms));
const layout = cellLayout(spec.mesh_shape);

Deno.test("hnn-core JSON: drives keep hnn-core's gids and every NetCon matches (weight, delay 1e-6 rel.)", () => {
  const ranges = driveGidRanges(spec.drives, layout);
  spec.drives.forEach((d, k) => assert.deepEqual(ranges[k], fixture.gid_ranges[d.name], d.name));
  const ours = buildNetcons(layout, spec.connections, driveConnections(spec.drives, layout));
  const theirs = new Map<string, number[]>(
    fixture.netcons_trial0.rows.map((
      r: [number, number, string, number, number],
    ) => [`${r[0]} ${r[1]} ${r[2]}`, [r[3], r[4]]]),
  );
  assert.equal(ours.src.length, theirs.size);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.abs(b) || a === b;
  for (let i = 0; i < ours.src.length; i++) {
    const key = `${ours.src[i]} ${ours.tgt[i]} ${ours.synapse[i]}`;
    const ref = theirs.get(key);
    assert.ok(ref, `${key} is not one of hnn-core's NetCons`);
    assert.ok(
      close(ours.weight[i], ref[0]) && close(ours.delay[i], ref[1]),
      `${key}: ${ours.weight[i]}, ${ours.delay[i]} vs ${ref}`,
    );
  }
});

Deno.test("hnn-core JSON: evoked, bursty and Poisson event times equal hnn-core's trial 0 (1e-9 ms)", () => {
  const events = networkInstance(spec).driveEvents;
  let offset = 0, compared = 0;
  for (const d of spec.drives) {
    const expected: number[][] = trial.drive_events[d.name];
    expected.forEach((times, k) => {
      const ours = events[offset + k];
      assert.equal(ours.length, times.length, `${d.name} cell ${k}`);
      ours.forEach((t, i) => assert.ok(Math.abs(t - times[i]) < 1e-9, `${d.name} cell ${k}: ${t} vs ${times[i]}`));
      compared += times.length;
    });
    offset += expected.length;
  }
  assert.ok(compared > 100);
});

Deno.test("hnn-core JSON: simulated from our own drive events, spikes per type within 5% and raw dipoles r ≥ 0.98", async () => {
  const runtime = await GpuRuntime.acquire({ requiredLimits: HNN_REQUIRED_LIMITS, notice: () => {} });
  const net = compileNetwork(spec);
  const [out] = await simulateNetwork(runtime, net, { instances: [networkInstance(spec)] });
  for (const type of CELL_TYPES) {
    const [a, b] = fixture.gid_ranges[type];
    const count = (gids: number[]) => gids.filter((g) => g >= a && g < b).length;
    const theirs = count(trial.spike_gids), ours = count(out.spikes.gids);
    assert.ok(Math.abs(ours - theirs) <= Math.floor(0.05 * theirs), `${type}: ${ours} spikes vs NEURON's ${theirs}`);
  }
  for (const [layer, raw] of [["L2", out.rawL2], ["L5", out.rawL5]] as const) {
    const ref: number[] = trial.dipole[layer];
    const skip = Math.round(20 / fixture.dt_ms); // start-up transient
    const r = pearson(raw.subarray(skip), ref.slice(skip));
    assert.ok(r >= 0.98, `${layer}: r = ${r}`);
  }
  runtime.destroy();
});
