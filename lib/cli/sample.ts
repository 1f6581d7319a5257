/** `sample`: draw posterior samples for one observation from a saved posterior, as CSV. */
import { assertWritableFile, writeFileAtomic } from "../data/atomic.ts";
import { formatSamplesCsv, parseNumericCsv } from "../posterior/csv.ts";
import { loadPosterior } from "../posterior/io.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";
import { readInputFile } from "./read_input.ts";

export interface SampleArgs {
  posterior: string;
  x: string;
  samples: number;
  /** The old spelling of --samples. */
  n?: number;
  out: string;
  seed: number;
  backend: BackendName;
}

export async function sampleCommand(args: SampleArgs): Promise<void> {
  const text = await readInputFile(args.x);
  const table = parseNumericCsv(text, args.x);
  if (table.rows !== 1) throw new Error(`${args.x} holds ${table.rows} rows; give exactly one observation`);
  await assertWritableFile(args.out);
  await useBackend(args.backend);
  const { posterior } = await loadPosterior(args.posterior);
  if (table.cols !== posterior.xDim) {
    throw new Error(`${args.x} has ${table.cols} values, the posterior was trained on x of ${posterior.xDim}`);
  }
  const n = args.n ?? args.samples;
  const { samples, acceptanceRate } = await posterior.sample(n, table.data, { seed: args.seed });
  await writeFileAtomic(args.out, formatSamplesCsv(posterior.prior.names, samples));
  console.log(
    `wrote ${n} samples to ${args.out} (acceptance into the prior's support ${(100 * acceptanceRate).toFixed(1)}%)`,
  );
}
