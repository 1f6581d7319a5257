import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { dataPath } from "../lib/data/paths.ts";
import { decodeNpy, decodeNpyArray, encodeNpy, readNpy } from "../lib/data/npy.ts";

const matrix = { rows: 3, cols: 4, data: Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 2) };

Deno.test("npy: round trip keeps shape and every float32 bit", () => {
  const bytes = encodeNpy(matrix);
  assert.equal((bytes.length - matrix.data.byteLength) % 64, 0, "data must start on a 64-byte boundary");
  assert.deepEqual(decodeNpy(bytes), matrix);
});

Deno.test("npy: header is the one numpy writes", () => {
  const text = new TextDecoder().decode(encodeNpy(matrix).subarray(10, 80));
  assert.match(text, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 4\), \}/);
});

Deno.test("npy: broken or foreign files are refused with the reason", () => {
  const bytes = encodeNpy(matrix);
  assert.throws(() => decodeNpy(new TextEncoder().encode("hello world")), /not a .npy file/);
  assert.throws(() => decodeNpy(bytes.subarray(0, bytes.length - 4)), /expected 48 data bytes/);
  const f8 = bytes.slice();
  f8.set(new TextEncoder().encode("<f8"), 21);
  assert.throws(() => decodeNpy(f8), /expected float32 .* found <f8/);
});

const hasNumpy = await new Deno.Command("python3", { args: ["-c", "import numpy"], stderr: "null" }).output()
  .then((r) => r.success, () => false);

Deno.test({
  name: "npy: numpy reads our files and we read numpy's",
  ignore: !hasNumpy,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeFile(`${dir}/ours.npy`, encodeNpy(matrix));
      const script = `import numpy as np
a = np.load('${dir}/ours.npy'); assert a.dtype == np.float32 and a.shape == (3, 4), a
np.save('${dir}/theirs.npy', (a * 2).astype(np.float32))`;
      const result = await new Deno.Command("python3", { args: ["-c", script] }).output();
      assert.ok(result.success, new TextDecoder().decode(result.stderr));
      const theirs = decodeNpy(await Deno.readFile(`${dir}/theirs.npy`));
      assert.deepEqual(theirs.data, matrix.data.map((v) => v * 2));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("npy: numpy's float64 and uint8 files read exactly, gzip-compressed or not (the MEG beta data)", async () => {
  // Reference values printed by numpy from the uncompressed files.
  const prestim = await readNpy(dataPath("meg", "beta", "subject3_prestim.npy.gz"));
  assert.equal(prestim.dtype, "<f8");
  assert.deepEqual(prestim.shape, [200, 600]);
  assert.equal(prestim.data[0], 2.6500648709870864e-08);
  assert.equal(prestim.data[57 * 600 + 123], -1.0825303466042487e-09);
  assert.equal(prestim.data[200 * 600 - 1], -3.9921047136427615e-08);
  const detected = await readNpy(dataPath("meg", "beta", "subject3_detected.npy"));
  assert.equal(detected.dtype, "|u1");
  assert.deepEqual(detected.shape, [200]);
  assert.equal(Array.from(detected.data).reduce((a, b) => a + b, 0), 100, "100 detected trials of 200");
});

Deno.test("npy: a .npy.gz reads as the .npy it compresses; dtypes it does not know are refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = encodeNpy(matrix);
    await Deno.writeFile(`${dir}/m.npy`, bytes);
    await Deno.writeFile(`${dir}/m.npy.gz`, gzipSync(bytes));
    const plain = await readNpy(`${dir}/m.npy`), packed = await readNpy(`${dir}/m.npy.gz`);
    assert.deepEqual(packed, plain);
    assert.deepEqual(packed, { dtype: "<f4", shape: [3, 4], data: matrix.data });
    const i8 = bytes.slice();
    i8.set(new TextEncoder().encode("<i8"), 21);
    assert.throws(() => decodeNpyArray(i8, "m.npy"), /m.npy: unsupported dtype <i8/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
