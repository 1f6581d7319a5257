/**
 * The coordinates a flow learns in: each parameter on its prior's own scale (log10 of the value for log10 priors,
 * the value itself otherwise), so a prior spanning decades becomes a box the flow's standardisation handles.
 */
import type { ParameterSpec } from "../prior.ts";
import type { PriorSpec } from "./support.ts";

export interface FlowCoordinates {
  /** The prior's box in flow coordinates (the support samples are rejected into). */
  support: PriorSpec;
  toFlow(theta: ArrayLike<number>): Float32Array;
  fromFlow(values: ArrayLike<number>): Float32Array;
}

export function flowCoordinates(parameters: readonly ParameterSpec[]): FlowCoordinates {
  const d = parameters.length;
  const log = parameters.map((p) => p.scale === "log10");
  const map = (values: ArrayLike<number>, f: (v: number, j: number) => number) =>
    Float32Array.from({ length: values.length }, (_, i) => f(values[i], i % d));
  return {
    support: {
      kind: "box",
      names: parameters.map((p) => p.name),
      low: parameters.map((p, j) => (log[j] ? Math.log10(p.low) : p.low)),
      high: parameters.map((p, j) => (log[j] ? Math.log10(p.high) : p.high)),
    },
    toFlow: (theta) => map(theta, (v, j) => (log[j] ? Math.log10(v) : v)),
    fromFlow: (values) => map(values, (v, j) => (log[j] ? 10 ** v : v)),
  };
}
