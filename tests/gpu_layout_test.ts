/**
 * Every struct a host writes is declared once in TypeScript: here each kernel's full WGSL source is parsed and its
 * structs laid out by WGSL's rules computed independently, then compared with the TypeScript layouts; every kernel
 * compiles on the adapter, and a uniform packed by a layout reads back member by member through a kernel.
 */
import assert from "node:assert/strict";
import { RC_KERNEL } from "../lib/models/rc.ts";
import { PEAKS_KERNEL } from "../lib/stats/peaks.ts";
import { SPECTRUM_KERNEL } from "../lib/stats/spectrum.ts";
import { SMOOTH_KERNEL } from "../lib/stats/smooth.ts";
import { MATMUL_KERNEL } from "../lib/stats/matmul.ts";
import { TFR_KERNEL } from "../lib/events/tfr_gpu.ts";
import { FLOW_KERNEL_FILES, flowKernel } from "../lib/flows/webgpu/pipelines.ts";
import { SHUFFLE_KERNEL } from "../lib/flows/webgpu/device_shuffle.ts";
import { cellKernel } from "../lib/hnn/gpu/cells.ts";
import { EVENTS_KERNEL } from "../lib/hnn/gpu/events.ts";
import { LAYER_SUM_KERNEL } from "../lib/hnn/gpu/layer_sum.ts";
import { kernelHeader, kernelSource, type KernelSpec } from "../lib/gpu/kernels.ts";
import { array, struct } from "../lib/gpu/layout.ts";
import { checkGrid, GRID_WGSL, gridFor, WORKGROUP_SIZE } from "../lib/gpu/grid.ts";
import { DispatchList } from "../lib/gpu/dispatch_list.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";

const SPECS: KernelSpec[] = [
  RC_KERNEL,
  PEAKS_KERNEL,
  SPECTRUM_KERNEL,
  SMOOTH_KERNEL,
  MATMUL_KERNEL,
  TFR_KERNEL,
  ...FLOW_KERNEL_FILES.map((file) => flowKernel(file)),
  SHUFFLE_KERNEL,
  // Both rate-table bindings; the basket's 3 gating slots and the L5 pyramidal cell's 12.
  cellKernel(false, 12),
  cellKernel(true, 3),
  EVENTS_KERNEL,
  LAYER_SUM_KERNEL,
];

// ---- WGSL's layout rules, from the specification's alignment and size table ---------------------------------------

interface WgslMember {
  name: string;
  type: string;
  offset: number;
  size: number;
}
interface WgslStruct {
  members: WgslMember[];
  size: number;
  align: number;
}

const SCALARS: Record<string, [number, number]> = { f32: [4, 4], u32: [4, 4], i32: [4, 4] };
const VECTORS: Record<string, [number, number]> = { "2": [8, 8], "3": [16, 12], "4": [16, 16] };

function withoutComments(code: string): string {
  return code.replace(/\/\/[^\n]*/g, "");
}

/** `const NAME: u32 = 12u;` declarations. */
function constantsOf(code: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [, name, value] of withoutComments(code).matchAll(/const\s+(\w+)\s*:\s*u32\s*=\s*(\d+)u\s*;/g)) {
    out.set(name, Number(value));
  }
  return out;
}

/** Split at commas outside angle brackets. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "<") depth++;
    else if (text[i] === ">") depth--;
    else if (text[i] === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** [alignment, size] of a WGSL type. */
function alignAndSize(
  type: string,
  constants: Map<string, number>,
  structs: Map<string, WgslStruct>,
): [number, number] {
  if (SCALARS[type]) return SCALARS[type];
  const vector = /^vec([234])<(f32|u32|i32)>$/.exec(type);
  if (vector) return VECTORS[vector[1]];
  const arrayType = /^array<(.*)>$/.exec(type);
  if (arrayType) {
    const [element, count] = splitTop(arrayType[1]);
    const n = /^\d+u?$/.test(count) ? parseInt(count) : constants.get(count);
    assert.ok(n !== undefined, `array length ${count} is not a literal or a u32 constant`);
    const [align, size] = alignAndSize(element, constants, structs);
    return [align, n * Math.ceil(size / align) * align];
  }
  const nested = structs.get(type);
  assert.ok(nested, `unknown WGSL type ${type}`);
  return [nested.align, nested.size];
}

function structsOf(code: string): Map<string, WgslStruct> {
  const constants = constantsOf(code);
  const structs = new Map<string, WgslStruct>();
  for (const [, name, body] of withoutComments(code).matchAll(/struct\s+(\w+)\s*\{([^}]*)\}/g)) {
    assert.ok(!structs.has(name), `struct ${name} is declared twice`);
    let offset = 0, structAlign = 1;
    const members = splitTop(body).map((member) => {
      const [, attribute, memberName, type] = /^(?:@align\((\d+)\)\s*)?(\w+)\s*:\s*(.+)$/s.exec(member)!;
      const normalized = type.replace(/\s+/g, " ").replace(/ ?([<>]) ?/g, "$1");
      const [natural, size] = alignAndSize(normalized, constants, structs);
      const align = attribute === undefined ? natural : Number(attribute);
      offset = Math.ceil(offset / align) * align;
      structAlign = Math.max(structAlign, align);
      const out = { name: memberName, type: normalized, offset, size };
      offset += size;
      return out;
    });
    structs.set(name, { members, align: structAlign, size: Math.ceil(offset / structAlign) * structAlign });
  }
  return structs;
}

Deno.test("layout: WGSL's rules for scalars, vectors, arrays and struct size", () => {
  const probe = struct("Probe", {
    a: "f32",
    b: "vec3<f32>",
    c: "vec2<u32>",
    d: array("vec3<f32>", 2),
    e: "i32",
  });
  // By hand: b aligns to 16 and takes 12; c to 8; d's elements stride 16; the struct rounds to 16.
  assert.deepEqual(probe.fields.map((f) => [f.name, f.offset, f.size]), [
    ["a", 0, 4],
    ["b", 16, 12],
    ["c", 32, 8],
    ["d", 48, 32],
    ["e", 80, 4],
  ]);
  assert.equal(probe.size, 96);
  assert.equal(probe.align, 16);
  const parsed = structsOf(probe.wgsl).get("Probe")!;
  assert.deepEqual(parsed.members.map((m) => [m.name, m.offset, m.size]), [
    ["a", 0, 4],
    ["b", 16, 12],
    ["c", 32, 8],
    ["d", 48, 32],
    ["e", 80, 4],
  ]);
  assert.equal(parsed.size, 96);
  // Scalars only: 4-byte aligned, size not padded to 16 (the uniform buffer is).
  const small = struct("Small", { n: "u32", x: "f32", y: "f32" });
  assert.equal(small.size, 12);
  assert.equal(small.uniformBytes, 16);
});

Deno.test("layout: pack writes each member at its offset and refuses bad values", () => {
  const layout = struct("P", { n: "u32", shift: "i32", v: "vec3<f32>", w: array("vec2<f32>", 2) });
  const bytes = layout.pack({ n: 7, shift: -3, v: [1.5, 2.5, 3.5], w: [4, 5, 6, 7] });
  const view = new DataView(bytes.buffer);
  assert.equal(bytes.length, 48);
  assert.equal(view.getUint32(0, true), 7);
  assert.equal(view.getInt32(4, true), -3);
  assert.deepEqual([16, 20, 24].map((at) => view.getFloat32(at, true)), [1.5, 2.5, 3.5]);
  assert.deepEqual([32, 36, 40, 44].map((at) => view.getFloat32(at, true)), [4, 5, 6, 7]);
  const good = { n: 1, shift: 0, v: [0, 0, 0], w: [0, 0, 0, 0] };
  assert.throws(() => layout.pack({ ...good, n: -1 }), /P\.n: -1 is not a u32/);
  assert.throws(() => layout.pack({ ...good, n: 1.5 }), /P\.n: 1\.5 is not a u32/);
  assert.throws(() => layout.pack({ ...good, shift: 2 ** 31 }), /is not a i32/);
  assert.throws(() => layout.pack({ ...good, v: [1, 2] }), /P\.v needs 3 values/);
  assert.throws(() => layout.pack({ ...good, w: [0, 0, 0, NaN] }), /P\.w must be a number/);
  assert.throws(() => layout.pack({ ...good, extra: 1 } as typeof good), /P has no member extra/);
  const { n: _, ...missing } = good;
  assert.throws(() => layout.pack(missing as typeof good), /P\.n needs 1 value/);
  assert.throws(() => struct("Q", { "bad-name": "u32" }), /bad member name/);
  assert.throws(() => struct("Q", { m: "f64" as "f32" }), /unsupported type f64/);
});

Deno.test("layout: a nested struct member aligns to its struct and is written member by member", () => {
  const table = struct("Table", { off: "u32", n: "u32", vmin: "f32", mfac: "f32" });
  const outer = struct("Outer", { a: "u32", b: "f32", first: table, c: "u32", second: table, last: "f32" });
  // By hand: Table is 16 bytes aligned to 4, placed at multiples of 16 (@align(16), as a uniform needs), so
  // `first` goes to 16 after a and b, `second` to 48 after c; Outer aligns to 16, its size rounds 68 up to 80.
  const expected = [
    ["a", "u32", 0, 4],
    ["b", "f32", 4, 4],
    ["first", "Table", 16, 16],
    ["c", "u32", 32, 4],
    ["second", "Table", 48, 16],
    ["last", "f32", 64, 4],
  ];
  assert.deepEqual(outer.fields.map((f) => [f.name, f.type, f.offset, f.size]), expected);
  assert.equal(outer.size, 80);
  assert.match(outer.wgsl, /@align\(16\) first: Table,/);
  const parsed = structsOf(table.wgsl + outer.wgsl).get("Outer")!;
  assert.deepEqual(parsed.members.map((m) => [m.name, m.type, m.offset, m.size]), expected);
  assert.equal(parsed.size, 80);
  const bytes = outer.pack({
    a: 1,
    b: 2.5,
    first: { off: 3, n: 200, vmin: -100, mfac: 0.5 },
    c: 4,
    second: { off: 5, n: 6, vmin: 7.5, mfac: -8 },
    last: 9,
  });
  const view = new DataView(bytes.buffer);
  const u = (at: number) => view.getUint32(at, true), f = (at: number) => view.getFloat32(at, true);
  assert.deepEqual([u(0), f(4), u(16), u(20), f(24), f(28), u(32)], [1, 2.5, 3, 200, -100, 0.5, 4]);
  assert.deepEqual([u(48), u(52), f(56), f(60), f(64)], [5, 6, 7.5, -8, 9]);
  const good = { a: 0, b: 0, first: { off: 0, n: 0, vmin: 0, mfac: 0 }, c: 0, second: [0, 0, 0, 0], last: 0 };
  assert.throws(() => outer.pack(good as never), /Outer\.second needs the members of Table/);
  assert.throws(() => outer.pack({ ...good, second: { ...good.first, n: -1 } }), /Table\.n: -1 is not a u32/);
});

Deno.test("layout: records of a structured storage buffer sit one struct size apart", () => {
  const spike = struct("Spike", { time: "f32", cell: "u32", weight: "vec2<f32>" });
  assert.equal(spike.size, 16);
  const bytes = spike.packArray([
    { time: 1.5, cell: 3, weight: [0.25, -1] },
    { time: 2.5, cell: 9, weight: [4, 8] },
  ]);
  assert.equal(bytes.length, 32);
  const floats = new Float32Array(bytes.buffer), words = new Uint32Array(bytes.buffer);
  assert.deepEqual([floats[0], words[1], floats[2], floats[3]], [1.5, 3, 0.25, -1]);
  assert.deepEqual([floats[4], words[5], floats[6], floats[7]], [2.5, 9, 4, 8]);
  assert.throws(() => spike.packArray([{ time: 0, cell: -1, weight: [0, 0] }]), /Spike\.cell: -1 is not a u32/);
});

Deno.test("layout: every host's TypeScript layout matches the struct its kernel is compiled with", async () => {
  for (const spec of SPECS) {
    const code = await kernelSource(spec);
    const parsed = structsOf(code);
    for (const layout of spec.structs ?? []) {
      const wgsl = parsed.get(layout.name);
      assert.ok(wgsl, `${spec.file}: no struct ${layout.name}`);
      const ts = layout.fields.map((f) => ({ name: f.name, type: f.type, offset: f.offset, size: f.size }));
      assert.deepEqual(ts, wgsl.members, `${spec.file}: ${layout.name}`);
      assert.equal(layout.size, wgsl.size, `${spec.file}: size of ${layout.name}`);
      assert.equal(layout.align, wgsl.align, `${spec.file}: alignment of ${layout.name}`);
    }
    // Each uniform struct a kernel reads is one its host declares (no hand-kept copy in the .wgsl file); uniform
    // arrays of scalars or vectors have no members to place.
    const uniforms = [...withoutComments(code).matchAll(/var<uniform>\s+\w+\s*:\s*(\w+)/g)].map((m) => m[1])
      .filter((type) => type !== "array");
    assert.ok(uniforms.length > 0, `${spec.file} has no uniform`);
    for (const type of uniforms) {
      assert.ok(spec.structs?.some((s) => s.name === type), `${spec.file}: uniform ${type} is not a declared layout`);
    }
    for (const [name, value] of Object.entries(spec.constants ?? {})) {
      assert.equal(constantsOf(code).get(name), value, `${spec.file}: constant ${name}`);
    }
  }
});

Deno.test("layout: every kernel file is compiled through a declared spec", async () => {
  const covered = new Set(SPECS.flatMap((s) => [s.file, ...(s.include ?? [])]));
  const files = [];
  for await (const entry of Deno.readDir(new URL("../kernels/", import.meta.url))) {
    if (entry.name.endsWith(".wgsl")) files.push(entry.name.replace(/\.wgsl$/, ""));
  }
  const uncovered = files.filter((f) => !covered.has(f)).sort();
  assert.deepEqual(uncovered, []);
});

// ---- dispatch grids --------------------------------------------------------------------------------------------------

Deno.test("grid: threads spread over x, then y, then z within the limits", () => {
  const limits = { maxComputeWorkgroupsPerDimension: 65535, maxComputeInvocationsPerWorkgroup: 256 };
  assert.deepEqual(gridFor(limits, 0), [0, 1, 1]);
  assert.deepEqual(gridFor(limits, 1), [1, 1, 1]);
  assert.deepEqual(gridFor(limits, 64), [1, 1, 1]);
  assert.deepEqual(gridFor(limits, 65), [2, 1, 1]);
  assert.deepEqual(gridFor(limits, 64 * 65535), [65535, 1, 1]);
  assert.deepEqual(gridFor(limits, 64 * 65535 + 1), [65535, 2, 1]);
  const tiny = { maxComputeWorkgroupsPerDimension: 3, maxComputeInvocationsPerWorkgroup: 64 };
  assert.deepEqual(gridFor(tiny, 64 * 9), [3, 3, 1]);
  assert.deepEqual(gridFor(tiny, 64 * 9 + 1), [3, 3, 2]);
  assert.deepEqual(gridFor(tiny, 64 * 27), [3, 3, 3]);
  assert.throws(() => gridFor(tiny, 64 * 27 + 1), /more workgroups than this adapter can dispatch/);
  assert.throws(() => gridFor(tiny, 10, 128), /workgroup of 128 threads exceeds this adapter's 64/);
  assert.throws(() => gridFor(limits, -1), /whole number of threads/);
  assert.throws(() => gridFor(limits, 2.5), /whole number of threads/);
  const message = (n: number, limit: number) => `a product would need ${n} workgroups, over ${limit}`;
  assert.deepEqual(checkGrid(tiny, [3, 2], message), [3, 2]);
  assert.throws(() => checkGrid(tiny, [2, 4], message), /^RangeError: a product would need 4 workgroups, over 3$/);
});

Deno.test("dispatch list: pipelines and bind groups are set only when they change, empty grids skipped", () => {
  const calls: string[] = [];
  const pass = {
    setPipeline: (p: { id: string }) => calls.push(`pipeline ${p.id}`),
    setBindGroup: (i: number, g: { id: string }) => calls.push(`group ${i} ${g.id}`),
    dispatchWorkgroups: (x: number, y: number, z: number) => calls.push(`dispatch ${x} ${y} ${z}`),
  } as unknown as GPUComputePassEncoder;
  const [p, q] = [{ id: "p" }, { id: "q" }] as unknown as GPUComputePipeline[];
  const [model, a, b] = [{ id: "model" }, { id: "a" }, { id: "b" }] as unknown as GPUBindGroup[];
  const list = new DispatchList()
    .add(p, [model, a], [2])
    .add(p, [undefined, a], [3, 2])
    .add(q, [undefined, b], [0, 1])
    .add(q, [model, b], [1, 1, 4]);
  assert.equal(list.length, 4);
  list.encode(pass);
  assert.deepEqual(calls, [
    "pipeline p",
    "group 0 model",
    "group 1 a",
    "dispatch 2 1 1",
    "dispatch 3 2 1",
    "pipeline q",
    "group 1 b",
    "dispatch 1 1 4",
  ]);
});

Deno.test("dispatch list: a buffer fill splits the compute passes and keeps the order", () => {
  const calls: string[] = [];
  const pass = {
    setPipeline: (p: { id: string }) => calls.push(`pipeline ${p.id}`),
    setBindGroup: (i: number, g: { id: string }) => calls.push(`group ${i} ${g.id}`),
    dispatchWorkgroups: (x: number) => calls.push(`dispatch ${x}`),
    end: () => calls.push("end"),
  };
  const device = {
    createCommandEncoder: () => ({
      beginComputePass: () => (calls.push("pass"), pass),
      clearBuffer: (b: { id: string }, offset: number, bytes?: number) =>
        calls.push(`clear ${b.id} ${offset} ${bytes}`),
      finish: () => "commands",
    }),
    queue: { submit: (c: unknown[]) => calls.push(`submit ${c.length}`) },
  } as unknown as GPUDevice;
  const [p] = [{ id: "p" }] as unknown as GPUComputePipeline[];
  const [g] = [{ id: "g" }] as unknown as GPUBindGroup[];
  const destroyed: string[] = [];
  const buffer = (id: string) => ({ id, destroy: () => destroyed.push(id) }) as unknown as GPUBuffer;
  const list = new DispatchList()
    .clear(buffer("events"), 64)
    .add(p, [g], [1])
    .add(p, [g], [2])
    .clear(buffer("more"))
    .add(p, [g], [3])
    .release(buffer("params"));
  assert.throws(() => list.encode(pass as unknown as GPUComputePassEncoder), /buffer fills is encoded by submit/);
  list.submit(device);
  assert.deepEqual(calls, [
    "clear events 0 64",
    "pass",
    "pipeline p",
    "group 0 g",
    "dispatch 1",
    "dispatch 2",
    "end",
    "clear more 0 undefined",
    "pass",
    "pipeline p",
    "group 0 g",
    "dispatch 3",
    "end",
    "submit 1",
  ]);
  assert.deepEqual(destroyed, ["params"]);
  // Submitted lists start empty: a second submit sends nothing.
  assert.equal(list.length, 0);
  calls.length = 0;
  list.submit(device);
  assert.deepEqual(calls, []);
});

// ---- on the adapter ----------------------------------------------------------------------------------------------------

const runtime = await GpuRuntime.acquire({ notice: () => {} });

async function compileErrors(code: string): Promise<string[]> {
  const info = await runtime.device.createShaderModule({ code }).getCompilationInfo();
  return info.messages.filter((m) => m.type === "error").map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
}

Deno.test("layout: every kernel compiles with its generated header", async () => {
  for (const spec of SPECS) assert.deepEqual(await compileErrors(await kernelSource(spec)), [], spec.file);
});

Deno.test("layout: a uniform packed by its layout reads back member by member on the GPU", async () => {
  const probe = struct("Probe", {
    count: "u32",
    shift: "i32",
    scale: "f32",
    pair: "vec2<f32>",
    triple: "vec3<u32>",
    last: "f32",
    quad: "vec4<f32>",
    items: array("vec4<i32>", 2),
  });
  // Written by hand from the member list, so a wrong offset in the layout shows as a wrong word.
  const copy = `
@group(0) @binding(0) var<uniform> u: Probe;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1)
fn main() {
  out[0] = u.count;
  out[1] = bitcast<u32>(u.shift);
  out[2] = bitcast<u32>(u.scale);
  out[3] = bitcast<u32>(u.pair.x);
  out[4] = bitcast<u32>(u.pair.y);
  out[5] = u.triple.x;
  out[6] = u.triple.y;
  out[7] = u.triple.z;
  out[8] = bitcast<u32>(u.last);
  for (var i = 0u; i < 4u; i++) { out[9u + i] = bitcast<u32>(u.quad[i]); }
  for (var i = 0u; i < 8u; i++) { out[13u + i] = bitcast<u32>(u.items[i / 4u][i % 4u]); }
}`;
  const values = {
    count: 4_000_000_007,
    shift: -123456,
    scale: 0.1,
    pair: [1.25, -2.5],
    triple: [7, 8, 9],
    last: 3e-20,
    quad: [10, 20, 30, 40.5],
    items: [-1, 2, -3, 4, 5, -6, 7, -(2 ** 31)],
  };
  const code = kernelHeader({ structs: [probe] }) + copy;
  const uniform = runtime.uniform(probe.pack(values));
  const out = runtime.storage(21 * 4);
  try {
    runtime.run(runtime.pipeline(code), [uniform, out], [1]);
    const words = new Uint32Array(await runtime.read(out, 21 * 4));
    const expected = new DataView(new ArrayBuffer(21 * 4));
    const f = (i: number, v: number) => expected.setFloat32(4 * i, v, true);
    const u = (i: number, v: number) => expected.setUint32(4 * i, v, true);
    const s = (i: number, v: number) => expected.setInt32(4 * i, v, true);
    u(0, values.count);
    s(1, values.shift);
    f(2, values.scale);
    values.pair.forEach((v, i) => f(3 + i, v));
    values.triple.forEach((v, i) => u(5 + i, v));
    f(8, values.last);
    values.quad.forEach((v, i) => f(9 + i, v));
    values.items.forEach((v, i) => s(13 + i, v));
    assert.deepEqual(words, new Uint32Array(expected.buffer));
  } finally {
    uniform.destroy();
    out.destroy();
  }
});

Deno.test("layout: a structured storage buffer packed by its layout reads back record by record on the GPU", async () => {
  const cell = struct("Cell", { v: "f32", position: "vec3<f32>", id: "u32" });
  const records = [
    { v: -65, position: [1, 2, 3], id: 7 },
    { v: 30.5, position: [-4, 0.5, 6], id: 123456 },
    { v: 0.125, position: [7, 8, 9], id: 0 },
  ];
  const code = `${kernelHeader({ structs: [cell] })}
@group(0) @binding(0) var<storage, read> cells: array<Cell>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1)
fn main() {
  for (var i = 0u; i < arrayLength(&cells); i++) {
    out[5u * i] = cells[i].v;
    out[5u * i + 1u] = cells[i].position.x;
    out[5u * i + 2u] = cells[i].position.y;
    out[5u * i + 3u] = cells[i].position.z;
    out[5u * i + 4u] = f32(cells[i].id);
  }
}`;
  const input = runtime.storage(cell.packArray(records));
  const out = runtime.storage(15 * 4);
  try {
    // The buffer is padded to 16 bytes, which the 32-byte records already are: arrayLength sees 3.
    assert.equal(input.size, 3 * cell.size);
    runtime.run(runtime.pipeline(code), [input, out], [1]);
    const got = Array.from(new Float32Array(await runtime.read(out, 15 * 4)));
    assert.deepEqual(got, records.flatMap((r) => [r.v, ...r.position, r.id]));
  } finally {
    input.destroy();
    out.destroy();
  }
});

Deno.test("grid: grid_index visits every thread of a 3-D grid exactly once", async () => {
  // Limits far below the adapter's force y and z into use.
  const n = 64 * 11 + 5;
  const grid = gridFor({ maxComputeWorkgroupsPerDimension: 3, maxComputeInvocationsPerWorkgroup: 64 }, n);
  assert.deepEqual(grid, [3, 3, 2]);
  const code = `${GRID_WGSL}
@group(0) @binding(0) var<storage, read_write> hits: array<atomic<u32>>;
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = grid_index(gid, groups);
  if (id < ${n}u) { atomicAdd(&hits[id], 1u); } else { atomicAdd(&hits[${n}u], 1u); }
}`;
  const hits = runtime.storage((n + 1) * 4);
  try {
    runtime.run(runtime.pipeline(code), [hits], grid);
    const counts = new Uint32Array(await runtime.read(hits, (n + 1) * 4));
    assert.deepEqual(counts.subarray(0, n), new Uint32Array(n).fill(1));
    // The threads past the end: the whole grid less n.
    assert.equal(counts[n], grid[0] * grid[1] * grid[2] * WORKGROUP_SIZE - n);
  } finally {
    hits.destroy();
  }
});

Deno.test("dispatch list: one submission runs the dispatches in order on the GPU", async () => {
  const code = `${GRID_WGSL}
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@group(0) @binding(1) var<uniform> factor: vec4<f32>;
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let id = grid_index(gid, groups);
  if (id < arrayLength(&data)) { data[id] = data[id] * factor.x + factor.y; }
}`;
  const pipeline = runtime.pipeline(code);
  const data = runtime.storage(Float32Array.from({ length: 100 }, (_, i) => i));
  const double = runtime.uniform(new Float32Array([2, 0, 0, 0]));
  const addOne = runtime.uniform(new Float32Array([1, 1, 0, 0]));
  try {
    const grid = runtime.grid(100);
    new DispatchList()
      .add(pipeline, [runtime.bind(pipeline, [data, double])], grid)
      .add(pipeline, [runtime.bind(pipeline, [data, addOne])], grid)
      .add(pipeline, [runtime.bind(pipeline, [data, double])], [0])
      .submit(runtime.device);
    const out = new Float32Array(await runtime.read(data, 400));
    assert.deepEqual(out, Float32Array.from({ length: 100 }, (_, i) => 2 * i + 1));
  } finally {
    for (const buffer of [data, double, addOne]) buffer.destroy();
  }
});
