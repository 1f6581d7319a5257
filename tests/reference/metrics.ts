/** Agreement measures the tests state their tolerances in. */

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** RMSE as a fraction of the reference's peak-to-peak. */
export function relativeRmse(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let se = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < want.length; i++) {
    se += (got[i] - want[i]) ** 2;
    lo = Math.min(lo, want[i]);
    hi = Math.max(hi, want[i]);
  }
  return Math.sqrt(se / want.length) / (hi - lo);
}
