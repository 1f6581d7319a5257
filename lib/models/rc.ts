/** The seed paper's simplified example: an RC circuit driven by two square current pulses. */
import { chunks, type GpuRuntime } from "../gpu/runtime.ts";
import { kernelSource, type KernelSpec } from "../gpu/kernels.ts";
import { struct } from "../gpu/layout.ts";
import { Prior } from "../prior/prior.ts";
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

const CHUNK_ROWS = 16_384;

// The pulses' amplitudes enter as R·I with R = 1, so they carry V's unit.
export const rcPrior = new Prior([
  { name: "amp1", low: 0, high: 1, scale: "linear", unit: "mV" },
  { name: "amp2", low: 0, high: 1, scale: "linear", unit: "mV" },
  { name: "latency", low: -75, high: 75, scale: "linear", unit: "ms" },
]);

/** kernels/rc.wgsl's uniform. */
export const RC_PARAMS = struct("Params", {
  n: "u32", // parameter sets in this chunk
  samples: "u32", // output samples per set
  dt: "f32", // ms between samples
  tau: "f32", // ms
  e_rest: "f32", // mV
  r: "f32", // resistance (mV per unit current)
  pulse_on: "f32", // ms, start of the first pulse
  pulse_off: "f32", // ms, end of the first pulse
});

export const RC_KERNEL: KernelSpec = { file: "rc", structs: [RC_PARAMS] };

const samples = Math.round(RC_CONSTANTS.tstopMs / RC_CONSTANTS.sampleDtMs) + 1;

export const rcModel: Simulator = {
  name: "rc",
  description: "RC circuit, dV/dt = (E - V + R I(t))/tau, two square pulses (Tolley et al. 2023)",
  prior: rcPrior,
  timesMs: Float64Array.from({ length: samples }, (_, k) => k * RC_CONSTANTS.sampleDtMs),
  xUnit: "mV",
  dtMs: RC_CONSTANTS.sampleDtMs,
  simulate: simulateRc,
};

async function simulateRc(runtime: GpuRuntime, theta: Float32Array, options: SimulateOptions = {}) {
  const d = rcPrior.dim;
  if (theta.length % d !== 0) throw new Error(`θ must have rows of ${d} values, got ${theta.length} values`);
  const n = theta.length / d;
  const out = new Float32Array(n * samples);
  const pipeline = runtime.pipeline(await kernelSource(RC_KERNEL));
  // Moderate chunks with buffers reused across them: large fresh buffers cost more to clear than to fill.
  const perChunk = Math.min(options.maxChunk ?? CHUNK_ROWS, runtime.itemsPerBinding(samples * 4), n);
  const params = runtime.uniform(new Uint8Array(RC_PARAMS.uniformBytes));
  const thetaBuffer = runtime.storage(perChunk * d * 4);
  const xBuffer = runtime.storage(perChunk * samples * 4);
  try {
    for (const { start, count } of chunks(n, perChunk)) {
      runtime.write(
        params,
        RC_PARAMS.pack({
          n: count,
          samples,
          dt: RC_CONSTANTS.sampleDtMs,
          tau: RC_CONSTANTS.tauMs,
          e_rest: RC_CONSTANTS.restMv,
          r: RC_CONSTANTS.resistance,
          pulse_on: RC_CONSTANTS.pulseOnMs,
          pulse_off: RC_CONSTANTS.pulseOffMs,
        }),
      );
      runtime.write(thetaBuffer, theta.subarray(start * d, (start + count) * d));
      runtime.run(pipeline, [params, thetaBuffer, xBuffer], runtime.grid(count));
      await runtime.readInto(xBuffer, out.subarray(start * samples, (start + count) * samples));
      options.onProgress?.(start + count);
    }
  } finally {
    for (const b of [params, thetaBuffer, xBuffer]) b.destroy();
  }
  return out;
}
