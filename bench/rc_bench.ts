/** RC circuit throughput: simulations per second, upload and readback included, pipeline compiled beforehand. */
import { type GpuRuntime, rcModel, seededUniform } from "../mod.ts";
import type { BenchRow } from "./report.ts";

export async function benchRc(runtime: GpuRuntime, sizes = [10_000, 100_000], repeats = 3): Promise<BenchRow[]> {
  await rcModel.simulate(runtime, new Float32Array(rcModel.prior.sample(64, seededUniform(0)))); // compile, warm up
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const theta = new Float32Array(rcModel.prior.sample(n, seededUniform(1)));
    const seconds: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const began = performance.now();
      await rcModel.simulate(runtime, theta);
      seconds.push((performance.now() - began) / 1000);
    }
    const median = seconds.sort((a, b) => a - b)[Math.floor(repeats / 2)];
    rows.push({
      benchmark: "rc simulate",
      size: `N = ${n.toLocaleString("en-US")}`,
      value: n / median,
      unit: "sims/s",
    });
  }
  return rows;
}
