/** `pack` and `unpack`: a run folder as a few files of limited size and back (docs/paper-runs.md). */
import { formatBytes } from "../format.ts";
import { DEFAULT_PACK, packRun } from "../pack/pack.ts";
import { copyResults } from "../pack/results.ts";
import { unpackRun } from "../pack/unpack.ts";

export interface PackArgs {
  out: string;
  maxFiles: number;
  partMib: number;
  /** false with --no-dataset. */
  dataset: boolean;
  results?: boolean;
}

export async function packCommand(run: string, args: PackArgs): Promise<void> {
  if (args.results) {
    const paths = await copyResults(run, args.out);
    console.log(`copied ${paths.length} result files of ${run} into ${args.out}: ${paths.join(", ")}`);
    return;
  }
  const manifest = await packRun(run, args.out, {
    ...DEFAULT_PACK,
    maxFiles: args.maxFiles,
    partBytes: Math.floor(args.partMib * 2 ** 20),
    dataset: args.dataset ? "auto" : "never",
  });
  const total = manifest.parts.reduce((sum, p) => sum + p.bytes, 0);
  console.log(
    `packed ${manifest.files} files of ${run} (${formatBytes(manifest.bytes)}) into ${manifest.parts.length} ` +
      `part${manifest.parts.length === 1 ? "" : "s"} of ${formatBytes(total)} in all, and pack.json, in ${args.out}`,
  );
  if (manifest.left_behind.length) {
    const bytes = manifest.left_behind.reduce((sum, f) => sum + f.bytes, 0);
    console.log(
      `left behind: ${manifest.left_behind.length} files of the dataset (${
        formatBytes(bytes)
      }): ${manifest.left_behind_reason}`,
    );
  }
}

export async function unpackCommand(pack: string, args: { runs: string }): Promise<void> {
  const run = await unpackRun(pack, args.runs);
  console.log(`unpacked into ${run}; \`deno task serve --runs ${args.runs}\` shows it`);
}
