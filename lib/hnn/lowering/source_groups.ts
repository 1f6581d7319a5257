/**
 * A target cell's incoming NetCons regrouped so that rows from one source run together, for the event gather that
 * skips whole sources with nothing to deliver (kernels/hnn_events.wgsl `by_source`). Rows driving the same synapse
 * slot keep their order: each event is a sum over the rows of one slot, so every sum adds the same terms in the
 * same order as before, and the float32 results do not move.
 */

/** A target's rows in their new order, and the groups they form (one source each). */
export interface SourceOrder {
  /** Positions (into the rows given) in their new order. */
  order: number[];
  /** Per group: its source and the end (exclusive) of its rows within `order`. */
  groups: { src: number; end: number }[];
}

/**
 * Group one target's rows (sources and slots, in their original order; a slot is any key naming the synapse) by
 * source, greedily: the earliest row not yet placed opens a group for its source, which takes every later row of
 * that source whose slot has no earlier row still unplaced. Sources whose rows interleave with another's on a slot get more than one group.
 */
export function groupBySource(src: ArrayLike<number>, slot: ArrayLike<number | string>): SourceOrder {
  const n = src.length;
  if (slot.length !== n) throw new Error(`${n} sources for ${slot.length} slots`);
  const rowsOf = new Map<number, number[]>();
  const bySlot = new Map<number | string, number[]>();
  for (let r = 0; r < n; r++) {
    (rowsOf.get(src[r]) ?? rowsOf.set(src[r], []).get(src[r])!).push(r);
    (bySlot.get(slot[r]) ?? bySlot.set(slot[r], []).get(slot[r])!).push(r);
  }
  // Per slot, how many of its rows are placed: a row may be placed once it is its slot's next.
  const placedInSlot = new Map<number | string, number>();
  const placed = new Uint8Array(n);
  const order: number[] = [];
  const groups: { src: number; end: number }[] = [];
  for (let first = 0; first < n; first++) {
    if (placed[first]) continue;
    const s = src[first];
    for (const r of rowsOf.get(s)!) {
      const k = placedInSlot.get(slot[r]) ?? 0;
      if (placed[r] || bySlot.get(slot[r])![k] !== r) continue;
      placed[r] = 1;
      placedInSlot.set(slot[r], k + 1);
      order.push(r);
    }
    groups.push({ src: s, end: order.length });
  }
  return { order, groups };
}

/**
 * Per source gid, the fewest steps from its spike (cells) or event's ⌊u⌋ (drives) to a delivery over its NetCons;
 * 2³² − 1 for a source without any. A spike at or after epoch end − this cannot land in the epoch.
 */
export function sourceShortestDelay(
  wiring: { src: Uint32Array; delaySteps: Uint32Array },
  sources: number,
): Uint32Array {
  const shortest = new Uint32Array(sources).fill(0xffffffff);
  wiring.src.forEach((s, r) => shortest[s] = Math.min(shortest[s], wiring.delaySteps[r]));
  return shortest;
}

/**
 * Most steps from a spike (cells) or an event's ⌊u⌋ (drives, whose rounding adds up to 2) to a delivery over the
 * rows `first` … `end` − 1 of one source: a spike older than epoch start − this delivers nothing through them.
 */
export function groupLongestDelay(
  wiring: { delaySteps: Uint32Array },
  first: number,
  end: number,
  isDrive: boolean,
): number {
  let most = 0;
  for (let r = first; r < end; r++) most = Math.max(most, wiring.delaySteps[r]);
  return most + (isDrive ? 2 : 0);
}
