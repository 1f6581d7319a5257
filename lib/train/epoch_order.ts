/**
 * The minibatch order of a training epoch: a keyed Feistel network over [0, 4^halfBits) with cycle-walking into
 * [0, rows) — a seeded bijection that needs no sort, so the WebGPU trainer generates it on the device
 * (kernels/flow_order.wgsl) and the tfjs trainer here: both paths see the same batches.
 */
import { seededUniform } from "../random.ts";

/** Rounds of the network (the kernel reads their keys as one vec4). */
export const FEISTEL_ROUNDS = 4;

/** What the permutation of one epoch depends on. */
export interface EpochShuffle {
  rows: number;
  /** Bits of each half of the network's domain: the smallest with 4^halfBits ≥ rows. */
  halfBits: number;
  keys: Uint32Array;
}

/** The permutation of epoch `epoch` (0-based) of `rows` training rows under `seed`. */
export function epochShuffle(rows: number, seed: number, epoch: number): EpochShuffle {
  if (!Number.isSafeInteger(rows) || rows < 0 || rows > 2 ** 32) {
    throw new RangeError(`an epoch orders 0 to 2³² rows, not ${rows}`);
  }
  const uniform = seededUniform(seed * 100_003 + epoch + 1);
  const keys = Uint32Array.from({ length: FEISTEL_ROUNDS }, () => Math.floor(uniform() * 2 ** 32));
  let halfBits = 1;
  while (4 ** halfBits < rows) halfBits++;
  return { rows, halfBits, keys };
}

/** The epoch's row order: position i of the epoch takes row order[i]. */
export function epochOrder(rows: number, seed: number, epoch: number): number[] {
  const shuffle = epochShuffle(rows, seed, epoch);
  return Array.from({ length: rows }, (_, i) => {
    let v = feistel(i, shuffle);
    while (v >= rows) v = feistel(v, shuffle);
    return v;
  });
}

function feistel(i: number, { halfBits, keys }: EpochShuffle): number {
  const half = 2 ** halfBits, mask = half - 1;
  let left = Math.floor(i / half), right = i % half;
  for (const key of keys) {
    const next = (left ^ (mix32(right ^ key) & mask)) >>> 0;
    left = right;
    right = next;
  }
  return left * half + right;
}

/** lowbias32, a bijective 32-bit hash (the kernel's round function). */
function mix32(value: number): number {
  let v = value >>> 0;
  v ^= v >>> 16;
  v = Math.imul(v, 0x7feb352d);
  v ^= v >>> 15;
  v = Math.imul(v, 0x846ca68b);
  v ^= v >>> 16;
  return v >>> 0;
}
