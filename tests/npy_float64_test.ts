import assert from "node:assert/strict";
import { decodeNpyFloat64, encodeNpy } from "../lib/data/npy.ts";
import { npyFloat64 } from "./reference/npy_float64.ts";

Deno.test("npy float64: 2-D and 1-D float64 arrays keep their shape and every bit", () => {
  const values = Float64Array.from({ length: 6 }, (_, i) => Math.PI * 1e-9 * (i - 2));
  assert.deepEqual(decodeNpyFloat64(npyFloat64([2, 3], values)), { shape: [2, 3], data: values });
  assert.deepEqual(decodeNpyFloat64(npyFloat64([6], values)), { shape: [6], data: values });
});

Deno.test("npy float64: float32 files are read as float64", () => {
  const data = Float32Array.of(0.5, -1.25, 3e-8, 7);
  assert.deepEqual(decodeNpyFloat64(encodeNpy({ rows: 2, cols: 2, data })), {
    shape: [2, 2],
    data: Float64Array.from(data),
  });
});

Deno.test("npy float64: other dtypes and short data are refused with the reason", () => {
  const bytes = npyFloat64([2, 3], new Float64Array(6));
  assert.throws(
    () => decodeNpyFloat64(bytes.subarray(0, bytes.length - 8)),
    /expected 48 data bytes for shape \(2, 3\)/,
  );
  const ints = bytes.slice();
  ints.set(new TextEncoder().encode("'<i8'"), 19);
  assert.throws(() => decodeNpyFloat64(ints), /expected float64 \('<f8'\) or float32 \('<f4'\) data, found <i8/);
});
