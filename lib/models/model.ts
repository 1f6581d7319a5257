/** What every simulator offers the CLI and the dataset writer: a prior, a time base, a batched simulate. */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { Prior } from "../prior/prior.ts";

export interface SimulateOptions {
  /** Called after each chunk with the number of parameter sets done so far. */
  onProgress?: (done: number) => void;
  /** Cap on parameter sets per dispatch (the binding limit applies anyway); for tests and tuning. */
  maxChunk?: number;
  /**
   * One seed per parameter set for simulators with randomness (an HNN network's drive event times): the same
   * seed gives the same output alone or in any batch. Omitted: seed 0 for every set.
   */
  seeds?: ArrayLike<number>;
}

export interface Simulator {
  readonly name: string;
  readonly description: string;
  readonly prior: Prior;
  /** Times (ms) of the columns of x. */
  readonly timesMs: Float64Array;
  /** The unit of x's values (HNN: nAm of one simulated network; the RC circuit: mV), for axes. */
  readonly xUnit?: string;
  /** Device limits the model's kernels need beyond WebGPU's defaults, checked when the device is acquired. */
  readonly requiredLimits?: Record<string, number>;
  /** Integration step (ms) recorded in dataset manifests. */
  readonly dtMs: number;
  /** The Hamming window (ms) that smooths x, where it is a smoothed waveform (HNN's dipole): what bounds x's fast content. */
  readonly smoothMs?: number;
  /**
   * Settings beyond the name, prior, step and time base that change x (observation noise, ...): recorded in dataset
   * manifests as part of what identifies a dataset.
   */
  readonly settings?: Readonly<Record<string, number | string | boolean>>;
  /** Simulate each row of θ (row-major n × prior.dim, in the prior's units); returns x, n × timesMs.length. */
  simulate(runtime: GpuRuntime, theta: Float32Array, options?: SimulateOptions): Promise<Float32Array>;
}
