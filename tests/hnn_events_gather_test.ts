/**
 * The event gather (kernels/hnn_events.wgsl) against a host-side delivery of the same
 * NetCons: a spike log written by hand (spikes that land before, inside and after the epoch, cells that never fired)
 * and real drive events, into an events buffer that holds garbage beforehand (the host zeroes it, the kernel only
 * adds). Its newest spike per source, which decides the groups of rows it skips, is checked against the host's too.
 */
import assert from "node:assert/strict";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { GpuPopulation, spikeLogWords, uploadTables } from "../lib/hnn/gpu/cells.ts";
import { compileNetwork } from "../lib/hnn/lowering/compile.ts";
import { GpuEventGather, type LogLayout, packDriveEvents } from "../lib/hnn/gpu/events.ts";
import { HNN_REQUIRED_LIMITS } from "../lib/models/hnn.ts";
import { networkInstance } from "../lib/hnn/network/instance.ts";
import { erpDrives, jones2009Connections, PAPER_ERP_RULES } from "../lib/hnn/network/jones2009.ts";
import { ROW_WORDS } from "../lib/hnn/lowering/connectivity.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";

/** kernels/hnn_events.wgsl NO_SPIKE: a source without a spike that can land by the epoch's end. */
const NO_SPIKE = -2147483647;
const runtime = await GpuRuntime.acquire({ requiredLimits: HNN_REQUIRED_LIMITS });

Deno.test("event gather: every delivery in the epoch, none outside it, from cells and drives, (3×3 mesh, batch 3)", async () => {
  const spec = validateSpec({
    mesh_shape: [3, 3],
    dt_ms: 0.5,
    tstop_ms: 80,
    connections: jones2009Connections(),
    drives: erpDrives(),
    parameters: [
      { name: "prox_exc", sets: [{ connection: PAPER_ERP_RULES.prox_exc }] },
      { name: "evprox1_mu", sets: [{ drive: "evprox1", field: "mu" }] },
    ],
  });
  const batch = 3, cap = 6;
  const net = compileNetwork(spec, { batch });
  const c = net.connectivity, m = c.epochSteps;
  const instances = Array.from({ length: batch }, (_, b) => networkInstance(spec, [2e-4 * (b + 1), 20 + 2 * b], b));
  // Spike steps per cell instance: a deterministic mix, sorted; some cells silent, some past the cap.
  const layout: LogLayout[] = [];
  let words = 0;
  for (const p of net.populations) {
    layout.push({ gidStart: p.gidStart, count: p.count, spikeBase: words, nInst: p.nInst });
    words += spikeLogWords(p.nInst, cap);
  }
  const log = new Uint32Array(words);
  const spikesOf: number[][][] = net.populations.map((p, k) =>
    Array.from({ length: p.nInst }, (_, i) => {
      const n = (i * 7 + k * 3) % 9; // 0 … 8 spikes, beyond the cap of 6 from 7 on
      const steps = Array.from({ length: n }, (_, j) => 3 + ((i * 13 + j * 29 + k * 5) % 120)).sort((a, b) => a - b);
      const base = layout[k].spikeBase;
      log[base + p.nInst + i] = n;
      steps.slice(0, cap).forEach((s, j) => log[base + (2 + j) * p.nInst + i] = s);
      return steps.slice(0, cap);
    })
  );
  const spikeLog = runtime.storage(log);
  const tables = uploadTables(runtime, net);
  const gather = await GpuEventGather.create(runtime, net, instances, spikeLog, layout, cap);
  const drive = packDriveEvents(instances, c.nDriveCells, net.dt);
  const driveInts = new Int32Array(drive.buffer), driveFracs = new Float32Array(drive.buffer);
  const driveEvents0 = batch * c.nDriveCells + 1;
  const rowFloats = new Float32Array(c.rows.buffer);
  let delivered = 0;
  // Deliveries per epoch (all populations and networks): the check must see silent and busy epochs.
  const perEpoch = new Map<number, number>();
  // Sources with and without a spike that can land by the epoch's end.
  let spiking = 0, silent = 0;
  try {
    for (const [k, p] of net.populations.entries()) {
      const slots = c.slots[k].length;
      if (slots === 0) continue;
      const links = { spikeLog, spikeBase: layout[k].spikeBase, spikeCap: cap, slots: c.slots[k], eventRows: m };
      const gpu = await GpuPopulation.create(runtime, net, p, tables, links);
      try {
        for (let epochStart = 0; epochStart < net.nSteps; epochStart += m) {
          runtime.write(gpu.events, new Float32Array(m * slots * p.nInst).fill(12345));
          gather.gather([gpu], epochStart, m);
          const got = new Float32Array(await runtime.read(gpu.events, m * slots * p.nInst * 4));
          const newest = new Int32Array(await runtime.read(gather.buffers.newest, batch * gather.sources * 4));
          // Host delivery, float64: step k = s + delay (cells) or ⌊u⌋ + delay + ⌈fractions⌉ (drives).
          const want = new Float64Array(got.length);
          // The same sums in float32, term by term in row order: the kernel's, bit for bit.
          const want32 = new Float32Array(got.length);
          for (let inst = 0; inst < p.nInst; inst++) {
            const b = Math.floor(inst / p.count), gid = p.gidStart + (inst % p.count);
            for (let r = c.wiring.offsets[gid]; r < c.wiring.offsets[gid + 1]; r++) {
              const [src, slot, delay, rule] = c.rows.subarray(r * ROW_WORDS, r * ROW_WORDS + 4);
              const w = instances[b].ruleWeights[rule] * rowFloats[r * ROW_WORDS + 4];
              let steps: number[];
              if (src < c.cells) {
                const s = net.populations.findIndex((q) => src >= q.gidStart && src < q.gidStart + q.count);
                steps = spikesOf[s][b * net.populations[s].count + src - net.populations[s].gidStart].map((t) =>
                  t + delay
                );
              } else {
                const cell = b * c.nDriveCells + src - c.cells;
                steps = [];
                for (let e = drive[cell]; e < drive[cell + 1]; e++) {
                  const at = driveEvents0 + 2 * e;
                  const frac = Math.fround(driveFracs[at + 1] + rowFloats[r * ROW_WORDS + 5]);
                  steps.push(driveInts[at] + delay + Math.ceil(frac));
                }
              }
              for (const step of steps) {
                if (step < epochStart || step >= epochStart + m) continue;
                const at = ((step - epochStart) * slots + slot) * p.nInst + inst;
                want[at] += w;
                want32[at] += Math.fround(Math.fround(instances[b].ruleWeights[rule]) * rowFloats[r * ROW_WORDS + 4]);
                delivered++;
                perEpoch.set(epochStart, (perEpoch.get(epochStart) ?? 0) + 1);
              }
            }
          }
          got.forEach((g, i) =>
            assert.ok(
              Math.abs(g - want[i]) <= 1e-6 * Math.abs(want[i]),
              `${p.cellType}, epoch at step ${epochStart}: entry ${i} is ${g}, expected ${want[i]} (relative 1e-6)`,
            )
          );
          assert.deepEqual(got, want32, `${p.cellType}, epoch at step ${epochStart}: float32 sums in row order`);
          // Each source's newest spike (or an event's ⌊u⌋) before epoch end − its shortest delay.
          for (let b = 0; b < batch; b++) {
            for (let src = 0; src < c.cells + c.nDriveCells; src++) {
              let times: number[] = [];
              if (src >= c.cells) {
                const cell = b * c.nDriveCells + src - c.cells;
                for (let e = drive[cell]; e < drive[cell + 1]; e++) times.push(driveInts[driveEvents0 + 2 * e]);
              } else {
                const s = net.populations.findIndex((q) => src >= q.gidStart && src < q.gidStart + q.count);
                times = spikesOf[s][b * net.populations[s].count + src - net.populations[s].gidStart];
              }
              const near = c.shortestDelay[src];
              const early = near === 0xffffffff ? [] : times.filter((t) => t < epochStart + m - near);
              const expected = early.length > 0 ? Math.max(...early) : NO_SPIKE;
              assert.equal(
                newest[b * gather.sources + src],
                expected,
                `epoch at ${epochStart}, network ${b}, source ${src}`,
              );
              if (expected === NO_SPIKE) silent++;
              else spiking++;
            }
          }
        }
      } finally {
        gpu.destroy();
      }
    }
    assert.ok(delivered > 1000, `only ${delivered} deliveries: the check would not cover the gather`);
    const epochs = Math.ceil(net.nSteps / m);
    assert.ok(perEpoch.size < epochs, "some epoch delivers nothing");
    assert.ok(Math.max(...perEpoch.values()) > 100, "some epoch delivers from many sources");
    assert.ok(spiking > 0 && silent > 0, `${spiking} sources with a spike, ${silent} without`);
  } finally {
    gather.destroy();
    tables.destroy();
    spikeLog.destroy();
  }
});
