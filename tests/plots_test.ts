import assert from "node:assert/strict";
import { pairPlotCells, predictiveBands, predictivePlot, viewDomain } from "../lib/plots/posterior.ts";

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
