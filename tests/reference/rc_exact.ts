/** Closed-form float64 solution of the RC circuit by superposition of step responses (independent of the kernel). */
import { RC_CONSTANTS } from "../../lib/models/rc.ts";

export function rcExact(amp1: number, amp2: number, latency: number, times: ArrayLike<number>): Float64Array {
  const { tauMs, restMv, resistance, pulseOnMs, pulseOffMs } = RC_CONSTANTS;
  const steps: [number, number][] = [
    [pulseOnMs, amp1],
    [pulseOffMs, -amp1],
    [pulseOnMs + latency, -amp2],
    [pulseOffMs + latency, amp2],
  ];
  return Float64Array.from(times, (t) => {
    let v = restMv;
    for (const [at, jump] of steps) if (t > at) v += resistance * jump * (1 - Math.exp(-(t - at) / tauMs));
    return v;
  });
}
