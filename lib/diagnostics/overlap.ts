/**
 * Overlap coefficient (OVL) of two posteriors' marginals, as the seed paper compares conditions: ∫ min(f, g) with
 * f and g Gaussian kernel density estimates (Scott's bandwidth, as scipy's gaussian_kde) on a fine grid.
 */

function scottBandwidth(x: ArrayLike<number>): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2 / (n - 1);
  return Math.sqrt(v) * n ** (-1 / 5);
}

function kde(x: ArrayLike<number>, grid: Float64Array): Float64Array {
  const h = scottBandwidth(x);
  if (!(h > 0)) throw new Error("a density estimate needs samples that are not all equal");
  const out = new Float64Array(grid.length);
  const norm = 1 / (x.length * h * Math.sqrt(2 * Math.PI));
  for (let g = 0; g < grid.length; g++) {
    let acc = 0;
    for (let i = 0; i < x.length; i++) acc += Math.exp(-0.5 * ((grid[g] - x[i]) / h) ** 2);
    out[g] = acc * norm;
  }
  return out;
}

/** OVL of two 1-D sample sets, in [0, 1]; `points` grid points span both sets ± 4 bandwidths. */
export function overlapCoefficient(a: ArrayLike<number>, b: ArrayLike<number>, points = 2048): number {
  if (a.length < 2 || b.length < 2) throw new Error("OVL needs at least two samples on each side");
  const pad = 4 * Math.max(scottBandwidth(a), scottBandwidth(b));
  let lo = Infinity, hi = -Infinity;
  for (const s of [a, b]) {
    for (let i = 0; i < s.length; i++) {
      lo = Math.min(lo, s[i]);
      hi = Math.max(hi, s[i]);
    }
  }
  lo -= pad;
  hi += pad;
  const step = (hi - lo) / (points - 1);
  const grid = Float64Array.from({ length: points }, (_, i) => lo + i * step);
  const fa = kde(a, grid), fb = kde(b, grid);
  let ovl = 0;
  for (let i = 0; i < points; i++) ovl += Math.min(fa[i], fb[i]) * step * (i === 0 || i === points - 1 ? 0.5 : 1);
  return Math.min(1, ovl);
}
