/**
 * A simulator whose x is another's restricted to a time window [fromMs, toMs): the seed paper fitted some
 * experiments on part of the trace only (the HNN RC example without its start-up transient, the beta event around
 * the event).
 */
import type { Simulator } from "./model.ts";

export function windowedSimulator(model: Simulator, fromMs: number, toMs: number): Simulator {
  const times = model.timesMs;
  // Half a step of tolerance: window edges are given in ms, samples sit at accumulated multiples of dt.
  const tolerance = 0.5 * model.dtMs;
  const first = times.findIndex((t) => t >= fromMs - tolerance);
  const end = times.findIndex((t) => t >= toMs - tolerance);
  const stop = end === -1 ? times.length : end;
  if (first === -1 || stop <= first) {
    throw new Error(`${model.name}: window ${fromMs}–${toMs} ms holds no sample of ${times[0]}–${times.at(-1)} ms`);
  }
  const full = times.length, kept = stop - first;
  return {
    name: model.name,
    description: `${model.description}; x on ${fromMs}–${toMs} ms`,
    prior: model.prior,
    timesMs: times.slice(first, stop),
    xUnit: model.xUnit,
    requiredLimits: model.requiredLimits,
    dtMs: model.dtMs,
    ...(model.smoothMs !== undefined ? { smoothMs: model.smoothMs } : {}),
    ...(model.settings ? { settings: model.settings } : {}),
    simulate: async (runtime, theta, options) => {
      const x = await model.simulate(runtime, theta, options);
      const rows = x.length / full;
      const out = new Float32Array(rows * kept);
      for (let r = 0; r < rows; r++) out.set(x.subarray(r * full + first, r * full + stop), r * kept);
      return out;
    },
  };
}
