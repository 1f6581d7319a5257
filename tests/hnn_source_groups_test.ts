/**
 * Rows regrouped by source (lib/hnn/lowering/source_groups.ts): hand-worked cases, every slot's rows in their
 * original order on random rows and on the ERP network's wiring, and the delay bounds of sources and groups.
 */
import assert from "node:assert/strict";
import { groupBySource, groupLongestDelay, sourceShortestDelay } from "../lib/hnn/lowering/source_groups.ts";
import { buildNetcons } from "../lib/hnn/network/connections.ts";
import { driveConnections, driveGidRanges } from "../lib/hnn/network/drives.ts";
import { erpDrives, jones2009Connections } from "../lib/hnn/network/jones2009.ts";
import { cellLayout } from "../lib/hnn/network/positions.ts";
import { buildWiring } from "../lib/hnn/lowering/wiring.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";

/** Checks what the gather relies on; returns the number of runs of one source in the original order. */
function checkGrouping(src: number[], slot: (number | string)[]): { groups: number; runs: number } {
  const { order, groups } = groupBySource(src, slot);
  assert.deepEqual([...order].sort((a, b) => a - b), src.map((_, i) => i), "every row exactly once");
  // Per slot, the rows keep their original order: the same sums in the same order.
  const slots = new Set(slot);
  for (const s of slots) {
    const mine = order.filter((r) => slot[r] === s);
    assert.deepEqual(mine, [...mine].sort((a, b) => a - b), `slot ${s} keeps its order`);
  }
  let start = 0;
  for (const g of groups) {
    assert.ok(g.end > start, "groups are not empty");
    for (let i = start; i < g.end; i++) assert.equal(src[order[i]], g.src, "a group holds one source");
    start = g.end;
  }
  assert.equal(start, src.length);
  const runs = src.filter((s, i) => i === 0 || s !== src[i - 1]).length;
  return { groups: groups.length, runs };
}

Deno.test("source groups: interleaved sources come together; a conflict between slots splits a source", () => {
  assert.deepEqual(groupBySource([5, 7, 5, 9, 7], ["a", "a", "b", "a", "b"]), {
    order: [0, 2, 1, 4, 3],
    groups: [{ src: 5, end: 2 }, { src: 7, end: 4 }, { src: 9, end: 5 }],
  });
  // Slot a has 1 before 2, slot b 2 before 1: source 1 cannot take its slot-b row into its first group.
  assert.deepEqual(groupBySource([1, 2, 2, 1], [0, 0, 1, 1]), {
    order: [0, 1, 2, 3],
    groups: [{ src: 1, end: 1 }, { src: 2, end: 3 }, { src: 1, end: 4 }],
  });
  assert.deepEqual(groupBySource([], []), { order: [], groups: [] });
  assert.throws(() => groupBySource([1, 2], [0]), /2 sources for 1 slots/);
});

Deno.test("source groups: random rows keep each slot's order, in no more groups than runs", () => {
  let seed = 12345;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + next(60), sources = 1 + next(12), slots = 1 + next(4);
    const src = Array.from({ length: n }, () => next(sources));
    const slot = Array.from({ length: n }, () => next(slots));
    const { groups, runs } = checkGrouping(src, slot);
    assert.ok(groups <= runs, `${groups} groups for ${runs} runs`);
    assert.ok(groups >= new Set(src).size);
  }
});

Deno.test("source groups: the ERP wiring, each target's rows grouped with each synapse's NetCons in order", () => {
  const spec = validateSpec({
    mesh_shape: [4, 4],
    dt_ms: 0.5,
    tstop_ms: 170,
    connections: jones2009Connections(),
    drives: erpDrives(),
  });
  const layout = cellLayout(spec.mesh_shape);
  const netcons = buildNetcons(layout, spec.connections, driveConnections(spec.drives, layout));
  const ranges = driveGidRanges(spec.drives, layout);
  const sources = ranges[ranges.length - 1][1];
  const names = new Map<string, number>();
  const w = buildWiring(netcons, {
    cells: layout.cells,
    sources,
    dt: 0.5,
    tstop: 170,
    slotOf: (_, synapse) => names.get(synapse) ?? names.set(synapse, names.size).get(synapse)!,
  });
  let groups = 0, runs = 0;
  for (let g = 0; g < layout.cells; g++) {
    // The target's NetCons in their original order, as (source, slot) rows.
    const mine = Array.from(netcons.tgt).flatMap((t, i) => t === g && netcons.delay[i] <= 170 ? [i] : []);
    const counts = checkGrouping(mine.map((i) => netcons.src[i]), mine.map((i) => netcons.synapse[i]));
    groups += counts.groups;
    runs += counts.runs;
    // The wiring holds the same rows in the grouped order, and its groups are those of `groupBySource`.
    const { order, groups: expected } = groupBySource(
      mine.map((i) => netcons.src[i]),
      mine.map((i) => netcons.synapse[i]),
    );
    const first = w.offsets[g];
    order.forEach((at, r) => {
      assert.equal(w.src[first + r], netcons.src[mine[at]]);
      assert.equal(w.slot[first + r], names.get(netcons.synapse[mine[at]]));
    });
    assert.equal(w.groupOffsets[g + 1] - w.groupOffsets[g], expected.length);
    expected.forEach((e, k) => {
      assert.equal(w.groupSrc[w.groupOffsets[g] + k], e.src);
      assert.equal(w.groupEnd[w.groupOffsets[g] + k], first + e.end);
    });
  }
  assert.ok(groups < 0.75 * runs, `${groups} groups for ${runs} runs of one source: grouping gains little`);
});

Deno.test("source groups: a source's shortest delay, a group's longest (drives 2 steps more for the rounding)", () => {
  const wiring = { src: Uint32Array.of(0, 2, 0, 3, 2), delaySteps: Uint32Array.of(5, 3, 2, 7, 9) };
  // Cells 0 … 2, drive cell 3; cell 1 has no NetCon.
  assert.deepEqual(Array.from(sourceShortestDelay(wiring, 4)), [2, 0xffffffff, 3, 7]);
  assert.equal(groupLongestDelay(wiring, 0, 3, false), 5);
  assert.equal(groupLongestDelay(wiring, 3, 5, true), 11);
});
