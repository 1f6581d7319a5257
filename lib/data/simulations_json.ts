/**
 * x of given parameter sets as JSON, `{"times_ms": [...], "x": [[...], ...]}`: simulated in chunks and written row
 * by row, so neither x nor its text is ever whole in memory however many sets there are.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { writeStreamAtomic } from "./atomic.ts";

/** Values of x simulated and written per chunk: about 20 MB of JSON text... */
const CHUNK_VALUES = 2 ** 20;
/** ...but never fewer rows than this, so a long x (an HNN dipole) still fills the GPU's batches of networks. */
const MIN_CHUNK_ROWS = 256;

export interface SimulationsJsonOptions {
  /** Each value of x written multiplied by this: x on a recording's scale, as a fit's export gives it (default 1). */
  scale?: number;
  /** Rows simulated and written at a time; for tests and tuning. */
  chunkRows?: number;
}

/** Simulate each row of θ (row-major, the prior's units) and write the JSON to `path` atomically. */
export async function writeSimulationsJson(
  path: string,
  model: Simulator,
  runtime: GpuRuntime,
  theta: Float32Array,
  { scale = 1, chunkRows = Math.max(MIN_CHUNK_ROWS, Math.floor(CHUNK_VALUES / model.timesMs.length)) }:
    SimulationsJsonOptions = {},
): Promise<void> {
  const d = model.prior.dim, t = model.timesMs.length, n = theta.length / d;
  await writeStreamAtomic(path, async (write) => {
    await write(`{"times_ms":${JSON.stringify(Array.from(model.timesMs))},"x":[`);
    for (let start = 0; start < n; start += chunkRows) {
      const count = Math.min(chunkRows, n - start);
      const x = await model.simulate(runtime, theta.subarray(start * d, (start + count) * d));
      const row = (i: number) => Array.from(x.subarray(i * t, (i + 1) * t), (v) => v * scale);
      const rows = Array.from({ length: count }, (_, i) => JSON.stringify(row(i)));
      await write((start > 0 ? "," : "") + rows.join(","));
    }
    await write("]}\n");
  });
}
