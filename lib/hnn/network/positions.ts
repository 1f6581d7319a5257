/** hnn-core's cell grid (`network.py::_create_cell_coords`): positions per cell type, gid blocks, drive origin. */
import { CELL_TYPES, type CellType } from "../spec/types.ts";

export type Position = [x: number, y: number, z: number];

/** Depth of the L2/3 layer above L5, µm (hnn-core's `zdiff`). */
export const LAYER_SEPARATION_UM = 1307.4;

export interface Layout {
  positions: Record<CellType, Position[]>;
  /** First gid of each cell type; cells of a type take consecutive gids in `positions` order. */
  gidStart: Record<CellType, number>;
  /** Total cells. */
  cells: number;
  /** Where every drive cell sits. */
  origin: Position;
}

export function cellLayout(meshShape: [number, number], inplaneDistance = 1): Layout {
  const [nx, ny] = meshShape;
  const xs = Array.from({ length: nx }, (_, i) => i * inplaneDistance);
  const ys = Array.from({ length: ny }, (_, i) => i * inplaneDistance);
  const grid = (z: number): Position[] => xs.flatMap((x) => ys.map((y): Position => [x, y, z]));
  // Baskets: x ≡ 0 (mod 3) on even rows and x ≡ 1 (mod 3) on odd rows, stable-sorted by y.
  const basketXY: [number, number][] = [];
  for (let xi = 0; xi < nx; xi += 3) for (let yi = 0; yi < ny; yi += 2) basketXY.push([xs[xi], ys[yi]]);
  for (let xi = 1; xi < nx; xi += 3) for (let yi = 1; yi < ny; yi += 2) basketXY.push([xs[xi], ys[yi]]);
  basketXY.sort((a, b) => a[1] - b[1]);
  const baskets = (z: number) => basketXY.map(([x, y]): Position => [x, y, z]);
  const positions: Record<CellType, Position[]> = {
    L2_basket: baskets(0.8 * LAYER_SEPARATION_UM),
    L2_pyramidal: grid(LAYER_SEPARATION_UM),
    L5_basket: baskets(0.2 * LAYER_SEPARATION_UM),
    L5_pyramidal: grid(0),
  };
  const gidStart = {} as Record<CellType, number>;
  let cells = 0;
  for (const type of CELL_TYPES) {
    gidStart[type] = cells;
    cells += positions[type].length;
  }
  const origin: Position = [xs[(nx - 1) >> 1], ys[(ny - 1) >> 1], Math.floor(LAYER_SEPARATION_UM / 2)];
  return { positions, gidStart, cells, origin };
}

/** network.py::_create_cell_coords: cells of each type, in gid order, for a mesh. */
export function cellCounts(meshShape: [number, number]): Record<CellType, number> {
  const [nx, ny] = meshShape;
  // Baskets sit at x ≡ 0 (mod 3), y even and x ≡ 1 (mod 3), y odd.
  const count = (x0: number, y0: number) => Math.ceil((nx - x0) / 3) * Math.max(0, Math.ceil((ny - y0) / 2));
  const baskets = count(0, 0) + (nx > 1 ? count(1, 1) : 0);
  return { L2_basket: baskets, L2_pyramidal: nx * ny, L5_basket: baskets, L5_pyramidal: nx * ny };
}
