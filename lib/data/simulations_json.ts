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

/** Simulate each row of θ (row-major, the prior's units) and write the JSON to `path` atomically. */
export async function writeSimulationsJson(
  path: string,
  model: Simulator,
  runtime: GpuRuntime,
  theta: Float32Array,
  /** Rows simulated and written at a time; for tests and tuning. */
  chunkRows = Math.max(MIN_CHUNK_ROWS, Math.floor(CHUNK_VALUES / model.timesMs.length)),
): Promise<void> {
  const d = model.prior.dim, t = model.timesMs.length, n = theta.length / d;
  await writeStreamAtomic(path, async (write) => {
    await write(`{"times_ms":${JSON.stringify(Array.from(model.timesMs))},"x":[`);
    for (let start = 0; start < n; start += chunkRows) {
      const count = Math.min(chunkRows, n - start);
      const x = await model.simulate(runtime, theta.subarray(start * d, (start + count) * d));
      const rows = Array.from({ length: count }, (_, i) => JSON.stringify(Array.from(x.subarray(i * t, (i + 1) * t))));
      await write((start > 0 ? "," : "") + rows.join(","));
    }
    await write("]}\n");
  });
}
