/**
 * The Morlet-wavelet time-frequency response of Shin et al. (2017), as SpectralEvents computes it (`tfr`): each
 * trial linearly detrended, convolved with a complex Morlet wavelet of `width` cycles per frequency (truncated at
 * ±3.5 standard deviations of its Gaussian), power = 2·(dt·|y|)², the convolution cut to the trial's samples.
 */

export interface TfrOptions {
  /** Sampling rate, Hz. */
  fs: number;
  /** Frequencies of the TFR, Hz, increasing. */
  freqs: readonly number[];
  /** Cycles per wavelet (SpectralEvents' default 7). */
  width?: number;
}

/** Power of every trial at every frequency and time: `power[(trial · nFreqs + f) · nTimes + t]`. */
export interface Tfr {
  nTrials: number;
  nFreqs: number;
  nTimes: number;
  power: Float64Array;
}

/** `x` minus its least-squares line (scipy.signal.detrend, type "linear"). */
export function detrendLinear(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const tMean = (n - 1) / 2;
  let xMean = 0;
  for (let i = 0; i < n; i++) xMean += x[i];
  xMean /= n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - tMean) * (x[i] - xMean);
    sxx += (i - tMean) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return Float64Array.from({ length: n }, (_, i) => x[i] - xMean - slope * (i - tMean));
}

/** A complex Morlet wavelet sampled at k·dt for k = −h..h, energy-normalised as Tallon-Baudry et al. (1997). */
export interface Wavelet {
  re: Float64Array;
  im: Float64Array;
}

export function morletWavelet(freq: number, fs: number, width: number): Wavelet {
  const dt = 1 / fs;
  const st = width / (2 * Math.PI * freq);
  // numpy.arange(0, 3.5·st, dt) holds ceil(3.5·st/dt) samples; mirrored about 0 it gives an odd count.
  const half = Math.ceil((3.5 * st) / dt) - 1;
  const amplitude = 1 / (st * Math.sqrt(2 * Math.PI));
  const length = 2 * half + 1;
  const re = new Float64Array(length), im = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    const t = (k - half) * dt;
    const envelope = amplitude * Math.exp(-(t * t) / (2 * st * st));
    re[k] = envelope * Math.cos(2 * Math.PI * freq * t);
    im[k] = envelope * Math.sin(2 * Math.PI * freq * t);
  }
  return { re, im };
}

/** Wavelet power of one detrended trial at one frequency, written into `out` (length of the trial). */
function waveletPower(signal: Float64Array, wavelet: Wavelet, dt: number, out: Float64Array): void {
  const n = signal.length, half = (wavelet.re.length - 1) >> 1;
  for (let i = 0; i < n; i++) {
    // Full convolution y[i + half] = Σ_k s[k]·m[i + half − k], restricted to the taps that meet the trial.
    const lo = Math.max(0, i + half - (wavelet.re.length - 1)), hi = Math.min(n - 1, i + half);
    let re = 0, im = 0;
    for (let k = lo; k <= hi; k++) {
      const m = i + half - k;
      re += signal[k] * wavelet.re[m];
      im += signal[k] * wavelet.im[m];
    }
    out[i] = 2 * (dt * dt) * (re * re + im * im);
  }
}

/** The TFR of `trials` (row-major, nTrials × nTimes). */
export function computeTfr(trials: Float64Array, nTrials: number, nTimes: number, options: TfrOptions): Tfr {
  const { fs, freqs, width = 7 } = options;
  const nFreqs = freqs.length;
  const wavelets = freqs.map((f) => morletWavelet(f, fs, width));
  const power = new Float64Array(nTrials * nFreqs * nTimes);
  for (let trial = 0; trial < nTrials; trial++) {
    const detrended = detrendLinear(trials.subarray(trial * nTimes, (trial + 1) * nTimes));
    for (let f = 0; f < nFreqs; f++) {
      const offset = (trial * nFreqs + f) * nTimes;
      waveletPower(detrended, wavelets[f], 1 / fs, power.subarray(offset, offset + nTimes));
    }
  }
  return { nTrials, nFreqs, nTimes, power };
}
