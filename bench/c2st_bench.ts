/** C2ST classifier speed: epochs per second of one cross-validation fold (16,000 training rows), per dimension. */
import { FIT_DEFAULTS, foldAccuracy, normalMatrix, seededNormal, seededUniform } from "../mod.ts";
import type { BenchRow } from "./report.ts";

export async function benchC2st(dims = [2, 5, 10], rows = 20_000, epochs = 20): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const dim of dims) {
    // Two overlapping Gaussians, as in a C2ST of a good posterior; a tolerance of −∞ runs every epoch.
    const data = normalMatrix(rows, dim, seededNormal(seededUniform(dim))).map((v, i) =>
      i < rows * dim / 2 ? v : v + 0.1
    );
    const labels = Uint8Array.from({ length: rows }, (_, i) => (i < rows / 2 ? 0 : 1));
    const all = Array.from({ length: rows }, (_, i) => i);
    const job = {
      data,
      labels,
      dim,
      train: all.filter((i) => i % 5 !== 0),
      test: all.filter((i) => i % 5 === 0),
      seed: 1,
      options: { ...FIT_DEFAULTS, maxEpochs: epochs, tolerance: -Infinity },
    };
    const began = performance.now();
    await foldAccuracy(job);
    out.push({
      benchmark: "c2st classifier",
      size: `${dim}-D, ${10 * dim} units, ${job.train.length.toLocaleString("en-US")} rows`,
      value: epochs / ((performance.now() - began) / 1000),
      unit: "epochs/s (one fold)",
    });
  }
  return out;
}
