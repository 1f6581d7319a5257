/**
 * How a waveform's mean square splits over frequency bands, and how much of each band a smoothing window lets
 * through: what tells a misfit a model can close (slow) from one its smoothing of x cannot (fast).
 */
import { hammingWindow, smoothingTaps } from "./smooth.ts";

export interface BandRms {
  /** [from_hz, to_hz); the last band ends at the Nyquist frequency and includes it. */
  from_hz: number;
  to_hz: number;
  /** sqrt(the band's share of the mean square): the bands' squares sum to the waveform's mean square. */
  rms: number;
}

/**
 * The waveform's RMS in each band between consecutive `edgesHz` (the first must be 0; a last band runs from the last
 * edge to the Nyquist frequency). The split is exact: an orthonormal DCT-II keeps the sum of squares (Parseval), and
 * its even extension of the window has no jump at the ends, so the edges of a non-periodic waveform do not leak
 * power into the high bands as a plain DFT's wrap-around would. Basis k has frequency k / (2 · N · dt).
 */
export function bandRms(x: ArrayLike<number>, dtMs: number, edgesHz: readonly number[]): BandRms[] {
  const n = x.length;
  if (n < 2) throw new RangeError(`a band split needs at least 2 samples, got ${n}`);
  if (!(dtMs > 0)) throw new RangeError(`dt must be positive, got ${dtMs}`);
  const nyquist = 500 / dtMs;
  if (edgesHz[0] !== 0 || edgesHz.some((e, i) => i > 0 && !(e > edgesHz[i - 1])) || edgesHz.at(-1)! >= nyquist) {
    throw new RangeError(`band edges must start at 0 Hz and rise below the Nyquist frequency ${nyquist} Hz`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`sample ${i} is not finite (${x[i]})`);
  }
  const squares = new Float64Array(edgesHz.length);
  for (let k = 0; k < n; k++) {
    let c = 0;
    for (let i = 0; i < n; i++) c += x[i] * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
    c *= Math.sqrt((k === 0 ? 1 : 2) / n);
    const hz = (k * 1000) / (2 * n * dtMs);
    let band = edgesHz.length - 1;
    while (hz < edgesHz[band]) band--;
    squares[band] += c * c;
  }
  return Array.from(squares, (square, b) => ({
    from_hz: edgesHz[b],
    to_hz: edgesHz[b + 1] ?? nyquist,
    rms: Math.sqrt(square / n),
  }));
}

/** The gain |H(f)| of hnn-core's normalised Hamming window of `windowMs` at `hz`: 1 at 0 Hz, falling with f. */
export function smoothingGain(windowMs: number, dtMs: number, hz: number): number {
  const w = hammingWindow(smoothingTaps(windowMs, dtMs));
  let re = 0, im = 0;
  for (let m = 0; m < w.length; m++) {
    const phase = (2 * Math.PI * hz * m * dtMs) / 1000;
    re += w[m] * Math.cos(phase);
    im -= w[m] * Math.sin(phase);
  }
  return Math.hypot(re, im);
}
