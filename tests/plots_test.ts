import assert from "node:assert/strict";
import { pairPlotCells, predictiveBands, predictivePlot, viewDomain } from "../lib/plots/posterior.ts";
import { sbcHistograms } from "../lib/plots/diagnostics.ts";
import { seededUniform } from "../lib/random.ts";

Deno.test("plots: predictive bands are pointwise quantiles (numpy's linear interpolation)", () => {
  // Five simulations of two samples: column 0 is 0..4, column 1 is 10, 20, ..., 50.
  const sims = [0, 10, 1, 20, 2, 30, 3, 40, 4, 50];
  const bands = predictiveBands(sims, [0, 1]);
  assert.deepEqual(bands.q50, [2, 30]);
  assert.deepEqual(bands.q25, [1, 20]);
  assert.ok(Math.abs(bands.q025[0] - 0.1) < 1e-12 && Math.abs(bands.q975[1] - 49) < 1e-12);
  assert.throws(() => predictiveBands([1, 2, 3], [0, 1]), /rows of 2 samples/);
});

Deno.test("plots: pair plot has a histogram per parameter and a density per pair, truth marked", () => {
  const prior = [
    { name: "a", low: 0, high: 1, scale: "linear" as const },
    { name: "w", low: 1e-5, high: 10, scale: "log10" as const, unit: "µS" },
  ];
  const samples = Array.from({ length: 300 }, (_, i) => [((i * 37) % 100) / 100, 10 ** (-3 + ((i * 13) % 100) / 50)]);
  const cells = pairPlotCells(prior, samples, [0.5, 0.01]);
  assert.equal(cells.length, 4);
  assert.equal(cells[1], "", "nothing above the diagonal");
  for (const k of [0, 2, 3]) assert.match(cells[k], /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(cells[3], /w \(µS\)/);
  assert.match(cells[2], /fill="crimson"/, "truth marked in the joint");
  const svg = predictivePlot(predictiveBands([0, 1, 2, 3], [0, 1]), [0.5, 2.5], "dipole (nAm)");
  assert.match(svg, /dipole \(nAm\)/);
  assert.equal(svg.match(/<path/g)!.length >= 4, true);
});

Deno.test("plots: a sharp posterior is shown zoomed (central 99% padded by half), a wide one on the prior's bounds", () => {
  const linear = { name: "a", low: 0, high: 1, scale: "linear" as const };
  const sharp = Array.from({ length: 1001 }, (_, i) => 0.4 + 0.02 * (i / 1000)); // uniform on [0.4, 0.42]
  const [lo, hi] = viewDomain(sharp, linear);
  // Quantiles 0.005 and 0.995 of the grid: 0.4001 and 0.4199; padding half of 0.0198 on each side.
  assert.ok(Math.abs(lo - (0.4001 - 0.0099)) < 1e-9 && Math.abs(hi - (0.4199 + 0.0099)) < 1e-9, `${lo}, ${hi}`);
  assert.deepEqual(viewDomain(sharp, linear, 0.9), [0, 1]); // the truth far away: the whole prior
  const wide = Array.from({ length: 100 }, (_, i) => i / 99);
  assert.deepEqual(viewDomain(wide, linear), [0, 1]);
  const log = { name: "w", low: 1e-4, high: 1e-3, scale: "log10" as const };
  const [llo, lhi] = viewDomain(Array.from({ length: 101 }, () => 3e-4), log);
  assert.ok(llo < 3e-4 && lhi > 3e-4 && llo > 1e-4 && lhi < 1e-3, `${llo}, ${lhi}`);
});

/** `n` draws of a standard bivariate normal with correlation `rho`, from a fixed seed (Box–Muller). */
function correlatedNormals(n: number, rho: number, seed: number): [number, number][] {
  const u = seededUniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return Array.from({ length: n }, () => {
    const a = normal(), b = normal();
    return [a, rho * a + Math.sqrt(1 - rho * rho) * b];
  });
}

/** Pixel coordinates of a cell's sample dots and of its contour lines' vertices. */
function cellGeometry(svg: string) {
  const dots = [...svg.matchAll(/<circle [^>]*>/g)].map((m) =>
    [/cx="([^"]+)"/, /cy="([^"]+)"/].map((r) => +r.exec(m[0])![1])
  );
  const lines = [...svg.matchAll(/aria-label="(?:line|density)"[^>]*>(.*?)<\/g>/gs)].flatMap((g) =>
    [...g[1].matchAll(/ d="([^"]+)"/g)].flatMap((d) =>
      [...d[1].matchAll(/(-?[\d.]+(?:e-?\d+)?),(-?[\d.]+(?:e-?\d+)?)/g)].map((m) => [+m[1], +m[2]])
    )
  );
  return { dots, lines };
}

Deno.test("plots: the joint density of a ridge (correlation 0.993) is as narrow as the samples across it", () => {
  const prior = ["amp1", "amp2"].map((name) => ({ name, low: 0, high: 1, scale: "linear" as const, unit: "mV" }));
  const samples = correlatedNormals(1000, 0.993, 3).map(([a, b]) => [0.3 + 0.05 * a, 0.5 + 0.05 * b]);
  const { dots, lines } = cellGeometry(pairPlotCells(prior, samples)[2]);
  assert.equal(dots.length, 1000);
  assert.ok(lines.length > 20, "contours are drawn");
  // The ridge's direction and spread in pixels, from the drawn dots themselves.
  const mean = [0, 1].map((k) => dots.reduce((s, p) => s + p[k], 0) / dots.length);
  const cov = (a: number, b: number) =>
    dots.reduce((s, p) => s + (p[a] - mean[a]) * (p[b] - mean[b]), 0) / (dots.length - 1);
  const [sxx, sxy, syy] = [cov(0, 0), cov(0, 1), cov(1, 1)];
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const along = [Math.cos(angle), Math.sin(angle)], across = [-along[1], along[0]];
  const project = (p: number[], dir: number[]) => (p[0] - mean[0]) * dir[0] + (p[1] - mean[1]) * dir[1];
  const sd = (dir: number[]) => Math.sqrt(dots.reduce((s, p) => s + project(p, dir) ** 2, 0) / (dots.length - 1));
  const sdAcross = sd(across), sdAlong = sd(along);
  assert.ok(sdAlong > 10 * sdAcross, `a ridge: sd ${sdAlong} along, ${sdAcross} across`);
  // The 90% region of a normal reaches 2.15 sd from its centre; the kernel widens it by √(1 + n^(-1/3)) ≈ 1.05.
  const widest = Math.max(...lines.map((p) => Math.abs(project(p, across))));
  assert.ok(widest < 3.2 * sdAcross, `contours reach ${widest} px across the ridge, samples' sd is ${sdAcross} px`);
  const longest = Math.max(...lines.map((p) => Math.abs(project(p, along))));
  assert.ok(longest > 1.8 * sdAlong && longest < 3.2 * sdAlong, `contours reach ${longest} px along, sd ${sdAlong}`);
});

Deno.test("plots: the pair plot spans the prior's bounds when asked, the samples' region by default", () => {
  const prior = [{ name: "a", low: 0, high: 1, scale: "linear" as const, unit: "ms" }];
  const sharp = Array.from({ length: 200 }, (_, i) => [0.4 + 0.02 * (i / 199)]);
  const ticks = (svg: string) => [...svg.matchAll(/<text[^>]*>([\d.]+)<\/text>/g)].map((m) => +m[1]);
  assert.ok(Math.max(...ticks(pairPlotCells(prior, sharp)[0])) < 0.5);
  assert.equal(Math.max(...ticks(pairPlotCells(prior, sharp, undefined, "prior")[0])), 1);
});

Deno.test("plots: a titled plot is one SVG file: the title inside, every bar a sibling of the others", () => {
  const svg = sbcHistograms({
    parameters: ["a"],
    histogram: { bins: 4, counts: [[5, 6, 7, 8]], band: [2, 9] },
    ks: [{ statistic: 0.1, pValue: 0.5, rejected: false }],
  })[0];
  assert.match(svg, /^<svg[^>]*viewBox="0 0 320 222"/, "the plot's 200 px and a 22 px title line");
  assert.match(svg, /<text [^>]*>a: KS p = 0.500<\/text>/);
  assert.equal(svg.match(/<rect /g)?.length, 1 + 4, "the band and four bars");
  assert.doesNotMatch(svg, /<\/rect>/, "no bar nested in another");
  assert.doesNotMatch(svg, /<figure|<h2/);
});
