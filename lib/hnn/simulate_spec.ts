/** Simulate one network described by a user's JSON spec (docs/hnn-spec.md), optionally at given parameter values. */
import type { GpuRuntime } from "../gpu/runtime.ts";
import { compileNetwork } from "./lowering/compile.ts";
import { networkInstance } from "./network/instance.ts";
import { networkReport, type ReplayResult } from "./output/report.ts";
import { simulateNetwork } from "./gpu/simulate.ts";
import { validateSpec } from "./spec/validate.ts";

export interface SpecRunOptions {
  /** Values of the spec's declared parameters, in their order. */
  theta?: number[];
  /** Trial index: shifts the drives' event seeds as hnn-core's trials do. */
  trial?: number;
  /** Gids whose soma voltage to record. */
  recordGids?: number[];
}

export async function simulateSpec(
  runtime: GpuRuntime,
  input: unknown,
  options: SpecRunOptions = {},
): Promise<ReplayResult> {
  const spec = validateSpec(input);
  const theta = options.theta ?? [];
  if (theta.length !== spec.parameters.length) {
    throw new Error(
      `the spec declares ${spec.parameters.length} parameters (${
        spec.parameters.map((p) => p.name).join(", ")
      }), got ${theta.length} values`,
    );
  }
  const net = compileNetwork(spec);
  const recordGids = options.recordGids ?? [];
  const total = net.populations.reduce((n, p) => n + p.count, 0);
  for (const g of recordGids) {
    if (!Number.isInteger(g) || g < 0 || g >= total) {
      throw new Error(`gid ${g} is not a cell of this network (0–${total - 1})`);
    }
  }
  const [out] = await simulateNetwork(runtime, net, {
    recordGids,
    instances: [networkInstance(spec, theta, options.trial ?? 0)],
  });
  return networkReport(net, out, recordGids);
}
