/** The seed paper's simplified example: an RC circuit driven by two square current pulses. */
import { chunks, type GpuRuntime } from "../gpu/runtime.ts";
import { loadKernel } from "../gpu/kernels.ts";
import { Prior } from "../prior.ts";
import type { SimulateOptions, Simulator } from "./model.ts";

/** Circuit constants and the output time base of the paper's example. */
export const RC_CONSTANTS = {
  tauMs: 6,
  restMv: 0,
  resistance: 1,
  pulseOnMs: 200,
  pulseOffMs: 220,
  sampleDtMs: 0.5,
  tstopMs: 350,
} as const;

const WORKGROUP = 64;
const MAX_WORKGROUPS_X = 65535;

export const rcPrior = new Prior([
  { name: "amp1", low: 0, high: 1, scale: "linear" },
  { name: "amp2", low: 0, high: 1, scale: "linear" },
  { name: "latency", low: -75, high: 75, scale: "linear", unit: "ms" },
]);

const samples = Math.round(RC_CONSTANTS.tstopMs / RC_CONSTANTS.sampleDtMs) + 1;

export const rcModel: Simulator = {
  name: "rc",
  description: "RC circuit, dV/dt = (E - V + R I(t))/tau, two square pulses (Tolley et al. 2023)",
  prior: rcPrior,
  timesMs: Float64Array.from({ length: samples }, (_, k) => k * RC_CONSTANTS.sampleDtMs),
  dtMs: RC_CONSTANTS.sampleDtMs,
  simulate: simulateRc,
};

async function simulateRc(runtime: GpuRuntime, theta: Float32Array, options: SimulateOptions = {}) {
  const d = rcPrior.dim;
  if (theta.length % d !== 0) throw new Error(`θ must have rows of ${d} values, got ${theta.length} values`);
  const n = theta.length / d;
  const out = new Float32Array(n * samples);
  const pipeline = runtime.pipeline(await loadKernel("rc"));
  const perChunk = Math.min(options.maxChunk ?? Infinity, runtime.itemsPerBinding(samples * 4));
  for (const { start, count } of chunks(n, perChunk)) {
    const groups = Math.ceil(count / WORKGROUP);
    const gridX = Math.min(groups, MAX_WORKGROUPS_X);
    const params = new ArrayBuffer(40);
    new Uint32Array(params, 0, 4).set([count, samples, gridX * WORKGROUP, 0]);
    new Float32Array(params, 16, 6).set([
      RC_CONSTANTS.sampleDtMs,
      RC_CONSTANTS.tauMs,
      RC_CONSTANTS.restMv,
      RC_CONSTANTS.resistance,
      RC_CONSTANTS.pulseOnMs,
      RC_CONSTANTS.pulseOffMs,
    ]);
    const buffers = [
      runtime.uniform(new Uint8Array(params)),
      runtime.storage(theta.subarray(start * d, (start + count) * d)),
      runtime.storage(count * samples * 4),
    ];
    try {
      runtime.run(pipeline, buffers, [gridX, Math.ceil(groups / gridX)]);
      out.set(new Float32Array(await runtime.read(buffers[2], count * samples * 4)), start * samples);
    } finally {
      for (const b of buffers) b.destroy();
    }
    options.onProgress?.(start + count);
  }
  return out;
}
