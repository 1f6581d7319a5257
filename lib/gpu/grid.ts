/**
 * Dispatch grids: how many workgroups cover a number of threads within the adapter's limits, and the WGSL that
 * turns a thread's global id back into that flat index.
 */

/** Threads per workgroup of the one-dimensional kernels (WGSL's WORKGROUP_SIZE is generated from it). */
export const WORKGROUP_SIZE = 64;

/** Workgroups along x, y and z. */
export type Grid = [number, number, number];

/** The limits a grid must respect (a device's GPUSupportedLimits has them). */
export interface GridLimits {
  maxComputeWorkgroupsPerDimension: number;
  maxComputeInvocationsPerWorkgroup: number;
}

/**
 * The grid of workgroups of `workgroupSize` threads that covers `invocations` threads: along x up to the limit, then
 * rows of that width along y, then z. Kernels find their thread's index with WGSL's `grid_index` and skip indices
 * past the end (the last row may be partial).
 */
export function gridFor(limits: GridLimits, invocations: number, workgroupSize = WORKGROUP_SIZE): Grid {
  if (!Number.isSafeInteger(invocations) || invocations < 0) {
    throw new RangeError(`a grid covers a whole number of threads, got ${invocations}`);
  }
  if (workgroupSize > limits.maxComputeInvocationsPerWorkgroup) {
    throw new RangeError(
      `a workgroup of ${workgroupSize} threads exceeds this adapter's ${limits.maxComputeInvocationsPerWorkgroup}`,
    );
  }
  const groups = Math.ceil(invocations / workgroupSize);
  const most = limits.maxComputeWorkgroupsPerDimension;
  if (groups === 0) return [0, 1, 1];
  const x = Math.min(groups, most);
  const rows = Math.ceil(groups / x);
  const y = Math.min(rows, most);
  const z = Math.ceil(rows / y);
  if (z > most) throw new RangeError(`${invocations} threads need more workgroups than this adapter can dispatch`);
  return [x, y, z];
}

/** `grid` itself, or the error `message(workgroups, limit)` says when a dimension exceeds the adapter's limit. */
export function checkGrid(
  limits: GridLimits,
  grid: readonly number[],
  message: (workgroups: number, limit: number) => string,
): readonly number[] {
  const most = limits.maxComputeWorkgroupsPerDimension;
  const over = grid.find((n) => n > most);
  if (over !== undefined) throw new RangeError(message(over, most));
  return grid;
}

/**
 * WGSL for kernels dispatched on a grid from gridFor with `@workgroup_size(WORKGROUP_SIZE)`: the thread's flat index
 * from its `global_invocation_id` and the grid's `num_workgroups`.
 */
export const GRID_WGSL = `const WORKGROUP_SIZE: u32 = ${WORKGROUP_SIZE}u;

fn grid_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + (gid.y + gid.z * groups.y) * groups.x * WORKGROUP_SIZE;
}
`;
