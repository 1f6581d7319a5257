import assert from "node:assert/strict";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { rcModel } from "../lib/models/rc.ts";
import { seededUniform } from "../lib/random.ts";
import { rcExact } from "./reference/rc_exact.ts";

const TOLERANCE_MV = 1e-4; // absolute, at every sample (the bound)
const runtime = await GpuRuntime.acquire({ notice: () => {} });

function maxError(theta: Float32Array, x: Float32Array): { error: number; row: number } {
  const t = rcModel.timesMs.length;
  let worst = { error: 0, row: -1 };
  for (let i = 0; i < theta.length / 3; i++) {
    const exact = rcExact(theta[3 * i], theta[3 * i + 1], theta[3 * i + 2], rcModel.timesMs);
    for (let k = 0; k < t; k++) {
      const error = Math.abs(x[i * t + k] - exact[k]);
      if (error > worst.error) worst = { error, row: i };
    }
  }
  return worst;
}

Deno.test("rc: time base is 0..350 ms every 0.5 ms (701 samples)", () => {
  assert.equal(rcModel.timesMs.length, 701);
  assert.equal(rcModel.timesMs[0], 0);
  assert.equal(rcModel.timesMs[700], 350);
});

Deno.test("rc: GPU matches the exact solution within 1e-4 mV on 2000 prior draws", async () => {
  const theta = new Float32Array(rcModel.prior.sample(2000, seededUniform(11)));
  const x = await rcModel.simulate(runtime, theta);
  const { error, row } = maxError(theta, x);
  assert(error < TOLERANCE_MV, `max |error| ${error} mV at θ = ${theta.subarray(3 * row, 3 * row + 3)}`);
});

Deno.test("rc: edges of the prior, latency 0 and off-grid pulse edges", async () => {
  const rows = [
    [0, 0, 0],
    [1, 1, 0],
    [1, 0, 0],
    [0, 1, 0],
    [1, 1, -75],
    [1, 1, 75],
    [0.3, 0.7, 0.25],
    [0.9, 0.2, -37.77],
    [0.5, 0.5, 19.99],
    [1, 1, -20],
    [1, 1, 20],
  ];
  const theta = new Float32Array(rows.flat());
  const x = await rcModel.simulate(runtime, theta);
  const { error, row } = maxError(theta, x);
  assert(error < TOLERANCE_MV, `max |error| ${error} mV at θ = ${rows[row]}`);
  // Equal pulses at zero latency cancel exactly: the output stays at rest.
  const t = rcModel.timesMs.length;
  assert(x.subarray(t, 2 * t).every((v) => Math.abs(v) < 1e-6));
});

Deno.test("rc: chunked dispatch gives the same result as one dispatch", async () => {
  const theta = new Float32Array(rcModel.prior.sample(301, seededUniform(5)));
  const whole = await rcModel.simulate(runtime, theta);
  const seen: number[] = [];
  const chunked = await rcModel.simulate(runtime, theta, { maxChunk: 64, onProgress: (k) => seen.push(k) });
  assert.deepEqual(seen, [64, 128, 192, 256, 301]);
  assert.deepEqual(chunked, whole);
});

Deno.test("rc: a θ array with a partial row is refused", async () => {
  await rcModel.simulate(runtime, new Float32Array(4)).then(
    () => assert.fail("expected an error"),
    (e: Error) => assert.match(e.message, /rows of 3 values/),
  );
});
