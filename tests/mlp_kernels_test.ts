import assert from "node:assert/strict";
import { allocate, denseKernels } from "../lib/diagnostics/mlp_classifier.ts";
import { seededUniform } from "../lib/random.ts";

// Odd sizes, so both the 4-wide SIMD loop and its scalar tail run; inputs mix negatives, zeros and positives.
const rows = 3, fanIn = 5, fanOut = 7;
const uniform = seededUniform(5);
const draw = (n: number) => Float64Array.from({ length: n }, () => Math.round(4 * uniform() - 2) * uniform());
const input = draw(rows * fanIn), w = draw(fanIn * fanOut), bias = draw(fanOut), delta = draw(rows * fanOut);
const TOLERANCE = 1e-5; // relative to the largest value, float32 against float64

function assertClose(actual: Float32Array, expected: number[], what: string): void {
  const scale = Math.max(...expected.map(Math.abs), 1e-12);
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i] - e) <= TOLERANCE * scale, `${what}[${i}]: ${actual[i]} vs ${e}`)
  );
}

async function setup() {
  const kernels = await denseKernels();
  const [vIn, vW, vBias, vOut, vDelta, vGradW, vGradBias, vDeltaIn] = allocate(kernels.memory, [
    rows * fanIn,
    fanIn * fanOut,
    fanOut,
    rows * fanOut,
    rows * fanOut,
    fanIn * fanOut,
    fanOut,
    rows * fanIn,
  ]);
  vIn.set(input), vW.set(w), vBias.set(bias), vDelta.set(delta);
  return { kernels, vIn, vW, vBias, vOut, vDelta, vGradW, vGradBias, vDeltaIn };
}

const product = (r: number, j: number) =>
  bias[j] + input.slice(r * fanIn, (r + 1) * fanIn).reduce((s, a, k) => s + a * w[k * fanOut + j], 0);

Deno.test("mlp kernels: forward is in · W + bias, with and without ReLU (relative 1e-5)", async () => {
  const { kernels, vIn, vW, vBias, vOut } = await setup();
  const expected = Array.from({ length: rows * fanOut }, (_, i) => product(Math.floor(i / fanOut), i % fanOut));
  kernels.forward(vIn.byteOffset, vW.byteOffset, vBias.byteOffset, vOut.byteOffset, rows, fanIn, fanOut, 0);
  assertClose(vOut, expected, "linear");
  kernels.forward(vIn.byteOffset, vW.byteOffset, vBias.byteOffset, vOut.byteOffset, rows, fanIn, fanOut, 1);
  assertClose(vOut, expected.map((v) => Math.max(v, 0)), "relu");
});

Deno.test("mlp kernels: backward gives inᵀ · delta + decay · W and the column sums of delta (relative 1e-5)", async () => {
  const { kernels, vIn, vW, vDelta, vGradW, vGradBias } = await setup();
  vGradW.fill(99), vGradBias.fill(99); // stale values must be overwritten, not accumulated
  const decay = 0.25;
  kernels.backward(
    vIn.byteOffset,
    vDelta.byteOffset,
    vW.byteOffset,
    vGradW.byteOffset,
    vGradBias.byteOffset,
    rows,
    fanIn,
    fanOut,
    decay,
  );
  const gradW = Array.from({ length: fanIn * fanOut }, (_, i) => {
    const k = Math.floor(i / fanOut), j = i % fanOut;
    let s = decay * w[i];
    for (let r = 0; r < rows; r++) s += input[r * fanIn + k] * delta[r * fanOut + j];
    return s;
  });
  assertClose(vGradW, gradW, "gradW");
  const gradBias = Array.from({ length: fanOut }, (_, j) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += delta[r * fanOut + j];
    return s;
  });
  assertClose(vGradBias, gradBias, "gradBias");
});

Deno.test("mlp kernels: propagate gives (delta · Wᵀ) masked where the input is not positive (relative 1e-5)", async () => {
  const { kernels, vIn, vW, vDelta, vDeltaIn } = await setup();
  kernels.propagate(vIn.byteOffset, vDelta.byteOffset, vW.byteOffset, vDeltaIn.byteOffset, rows, fanIn, fanOut);
  const expected = Array.from({ length: rows * fanIn }, (_, i) => {
    const r = Math.floor(i / fanIn), k = i % fanIn;
    if (input[i] <= 0) return 0;
    let s = 0;
    for (let j = 0; j < fanOut; j++) s += delta[r * fanOut + j] * w[k * fanOut + j];
    return s;
  });
  assertClose(vDeltaIn, expected, "deltaIn");
});
