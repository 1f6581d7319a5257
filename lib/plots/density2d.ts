/**
 * 2-D highest-density contours of samples with a bandwidth from their own spread: a Gaussian kernel density with
 * Scott's rule on the samples' covariance (H = n^(-1/3) Σ), evaluated on a grid in the samples' whitened frame. A
 * ridge (two strongly correlated parameters) is round there, so the grid resolves it at any correlation and the
 * contours stay as narrow as the samples across the ridge.
 */
import { contours } from "d3-contour";

/** One closed ring of the region that holds `mass` of the samples, in the coordinates the samples were given. */
export interface DensityRing {
  mass: number;
  points: [number, number][];
}

const MAX_POINTS = 2000;
const GRID = 72;

/**
 * Rings of the regions that hold each share in `masses` of the samples (the density level exceeded by that share
 * of the samples themselves). Empty when the samples have no 2-D spread (fewer than 3, or all on a line).
 */
export function densityContours(xs: ArrayLike<number>, ys: ArrayLike<number>, masses = [0.5, 0.9]): DensityRing[] {
  // A deterministic thinning keeps the cost of the n² level estimate bounded.
  const stride = Math.max(1, Math.ceil(xs.length / MAX_POINTS));
  const px: number[] = [], py: number[] = [];
  for (let i = 0; i < xs.length; i += stride) {
    if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) px.push(xs[i]), py.push(ys[i]);
  }
  const n = px.length;
  if (n < 3) return [];
  const mx = px.reduce((a, b) => a + b, 0) / n, my = py.reduce((a, b) => a + b, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = px[i] - mx, dy = py[i] - my;
    sxx += dx * dx, sxy += dx * dy, syy += dy * dy;
  }
  sxx /= n - 1, sxy /= n - 1, syy /= n - 1;
  // Cholesky Σ = L Lᵀ; z = L⁻¹ (p − μ) has identity covariance.
  const l11 = Math.sqrt(sxx), l21 = sxy / l11, l22sq = syy - l21 * l21;
  if (!(l11 > 0) || !(l22sq > 1e-12 * syy)) return [];
  const l22 = Math.sqrt(l22sq);
  const zx = px.map((x) => (x - mx) / l11);
  const zy = py.map((y, i) => (y - my - l21 * zx[i]) / l22);
  const h = n ** (-1 / 6), inv2h2 = 1 / (2 * h * h);
  const density = (gx: number, gy: number) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const q = ((gx - zx[i]) ** 2 + (gy - zy[i]) ** 2) * inv2h2;
      if (q < 30) sum += Math.exp(-q);
    }
    return sum;
  };
  const atSamples = zx.map((x, i) => density(x, zy[i])).sort((a, b) => a - b);
  const levels = masses.map((m) => atSamples[Math.min(n - 1, Math.max(0, Math.floor((1 - m) * n)))]);

  const lo = [Math.min(...zx) - 3 * h, Math.min(...zy) - 3 * h];
  const step = [(Math.max(...zx) + 3 * h - lo[0]) / (GRID - 1), (Math.max(...zy) + 3 * h - lo[1]) / (GRID - 1)];
  const values = new Float64Array(GRID * GRID);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) values[r * GRID + c] = density(lo[0] + c * step[0], lo[1] + r * step[1]);
  }
  // d3-contour puts grid value k at coordinate k + 0.5.
  const toData = ([c, r]: number[]): [number, number] => {
    const x = lo[0] + (c - 0.5) * step[0], y = lo[1] + (r - 0.5) * step[1];
    return [mx + l11 * x, my + l21 * x + l22 * y];
  };
  const geometries = contours().size([GRID, GRID]).thresholds(levels)(Array.from(values));
  return geometries.flatMap((g: { coordinates: number[][][][] }, k: number) =>
    g.coordinates.flatMap((polygon) => polygon.map((ring) => ({ mass: masses[k], points: ring.map(toData) })))
  );
}
