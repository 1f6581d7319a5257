import assert from "node:assert/strict";
import { chunks, GpuRuntime, GpuUnavailableError } from "../lib/gpu/runtime.ts";

const runtime = await GpuRuntime.acquire({ notice: () => {} });

const SCALE = `
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 2.0 + 1.0; }
}`;

Deno.test("runtime: upload, dispatch and readback round-trip through a kernel", async () => {
  const input = Float32Array.from({ length: 1000 }, (_, i) => i - 500.25);
  const buffer = runtime.storage(input);
  runtime.run(runtime.pipeline(SCALE), [buffer], [Math.ceil(1000 / 64)]);
  const out = new Float32Array(await runtime.read(buffer, input.byteLength));
  assert.deepEqual(out, input.map((v) => v * 2 + 1));
  buffer.destroy();
});

Deno.test("runtime: a pipeline is compiled once per source", () => {
  assert.equal(runtime.pipeline(SCALE), runtime.pipeline(SCALE));
  assert.notEqual(runtime.pipeline(SCALE), runtime.pipeline(SCALE + "\n// other"));
});

Deno.test("runtime: adapter is described and buffers over the binding limit are refused", () => {
  assert.ok(runtime.adapterSummary.description.length > 0);
  assert.ok(runtime.maxBindingBytes >= 128 * 2 ** 20, "at least WebGPU's default 128 MiB binding");
  assert.equal(runtime.itemsPerBinding(runtime.maxBindingBytes / 4), 4);
  assert.throws(() => runtime.storage(runtime.maxBindingBytes + 16), /dispatch in chunks/);
});

Deno.test("runtime: a kernel's limit the adapter lacks is a clear error", async () => {
  await assert.rejects(
    GpuRuntime.acquire({ requiredLimits: { maxStorageBuffersPerShaderStage: 1e6 }, notice: () => {} }),
    (e: Error) =>
      e instanceof GpuUnavailableError &&
      /maxStorageBuffersPerShaderStage = \d+, a kernel needs 1000000/.test(e.message),
  );
});

Deno.test("runtime: chunks cover every item once, in order", () => {
  assert.deepEqual(chunks(10, 4), [{ start: 0, count: 4 }, { start: 4, count: 4 }, { start: 8, count: 2 }]);
  assert.deepEqual(chunks(8, 4).map((c) => c.count), [4, 4]);
  assert.deepEqual(chunks(0, 4), []);
  assert.throws(() => chunks(5, 0), /at least 1/);
});
