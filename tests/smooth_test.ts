import assert from "node:assert/strict";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { fixturePath, readGzipJson } from "../lib/hnn/reference/fixture.ts";
import { hammingWindow, smoothingTaps, smoothRowsGpu, smoothWaveform } from "../lib/stats/smooth.ts";

async function readFixture(name: string): Promise<Record<string, unknown>> {
  return await readGzipJson(fixturePath(`${name}.json.gz`)) as Record<string, unknown>;
}

function maxRelToRange(ours: ArrayLike<number>, ref: number[]): number {
  const range = Math.max(...ref) - Math.min(...ref);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i]) / range);
  return worst;
}

Deno.test("smooth: window length follows hnn-core (Python rounding) and numpy's Hamming", () => {
  assert.equal(smoothingTaps(30, 0.025), 1200);
  assert.equal(smoothingTaps(20, 0.5), 40);
  assert.equal(smoothingTaps(2.5, 1), 2, "ties round to even");
  assert.equal(smoothingTaps(3.5, 1), 4, "ties round to even");
  const w = hammingWindow(5); // numpy.hamming(5) = [0.08, 0.54, 1, 0.54, 0.08]
  [0.08, 0.54, 1, 0.54, 0.08].forEach((v, i) => assert.ok(Math.abs(w[i] - v / 2.24) < 1e-15));
  assert.throws(() => smoothingTaps(0.1, 0.5), /shorter than one sample/);
});

Deno.test("smooth: float64 smoothing reproduces hnn-core's post-processed dipoles (1e-6 of the range: the raw dipole is stored to 1e-7 nAm)", async () => {
  const erp = await readFixture("erp_jones2009") as {
    dipole_nAm_raw: { agg: number[] };
    postprocessed_agg_smooth30_scale3000: number[];
  };
  const ours = smoothWaveform(erp.dipole_nAm_raw.agg, 30, 0.025, 3000);
  assert.ok(maxRelToRange(ours, erp.postprocessed_agg_smooth30_scale3000) < 1e-6);
  const paper = await readFixture("paper_erp_a") as {
    dipole_nAm_raw: { agg: number[] };
    postprocessed_agg_smooth20: number[];
  };
  assert.ok(
    maxRelToRange(smoothWaveform(paper.dipole_nAm_raw.agg, 20, 0.025), paper.postprocessed_agg_smooth20) < 1e-6,
  );
});

Deno.test("smooth: the GPU kernel matches the float64 smoothing row by row (1e-5 of the range)", async () => {
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  const erp = await readFixture("erp_jones2009") as { dipole_nAm_raw: { agg: number[]; L2: number[]; L5: number[] } };
  const rows = [erp.dipole_nAm_raw.agg, erp.dipole_nAm_raw.L2, erp.dipole_nAm_raw.L5];
  const samples = rows[0].length;
  const gpu = await smoothRowsGpu(runtime, new Float32Array(rows.flat()), samples, 30, 0.025, 3000);
  rows.forEach((row, r) => {
    const ref = Array.from(smoothWaveform(row, 30, 0.025, 3000));
    assert.ok(maxRelToRange(gpu.subarray(r * samples, (r + 1) * samples), ref) < 1e-5, `row ${r}`);
  });
  runtime.destroy();
});
