/**
 * `deno task bench [--out FILE] [--only rc,cells,network,c2st,train]`: run the benchmarks on this machine (the GPU ones
 * on its adapter; c2st on the CPU; train on both) and print one markdown table headed by the adapter. `train` takes
 * `--train-pairs`, `--train-batches`, `--train-flows`, `--train-paths` (comma-separated) to measure part of its grid;
 * it runs only when named in `--only`.
 */
import { parseArgs } from "node:util";
import { type FlowKind, GpuRuntime } from "../mod.ts";
import { benchC2st } from "./c2st_bench.ts";
import { benchHnnCells } from "./hnn_cells_bench.ts";
import { benchHnnNetwork } from "./hnn_network_bench.ts";
import { benchRc } from "./rc_bench.ts";
import { type BenchRow, markdownReport } from "./report.ts";
import { benchTraining, TRAIN_BENCH_DEFAULTS, type TrainBenchOptions } from "./train_bench.ts";

const BENCHES: Record<string, (runtime: GpuRuntime) => Promise<BenchRow[]>> = {
  rc: (runtime) => benchRc(runtime),
  cells: (runtime) => benchHnnCells(runtime),
  network: (runtime) => benchHnnNetwork(runtime),
  c2st: () => benchC2st(),
  train: (runtime) =>
    benchTraining(runtime, {
      ...TRAIN_BENCH_DEFAULTS,
      pairs: numbers(values["train-pairs"]) ?? TRAIN_BENCH_DEFAULTS.pairs,
      batches: numbers(values["train-batches"]) ?? TRAIN_BENCH_DEFAULTS.batches,
      kinds: (values["train-flows"]?.split(",") as FlowKind[] | undefined) ?? TRAIN_BENCH_DEFAULTS.kinds,
      paths: (values["train-paths"]?.split(",") as TrainBenchOptions["paths"] | undefined) ??
        TRAIN_BENCH_DEFAULTS.paths,
    }),
};

const { values } = parseArgs({
  args: Deno.args,
  options: {
    out: { type: "string" },
    // train runs only when asked: its full grid takes long, most of it in wasm at 10⁵ pairs.
    only: { type: "string", default: "rc,cells,network,c2st" },
    "train-pairs": { type: "string" },
    "train-batches": { type: "string" },
    "train-flows": { type: "string" },
    "train-paths": { type: "string" },
  },
});

function numbers(list: string | undefined): number[] | undefined {
  return list?.split(",").map(Number);
}
const chosen = values.only.split(",");
for (const name of chosen) {
  if (!BENCHES[name]) throw new Error(`unknown benchmark ${name} (known: ${Object.keys(BENCHES)})`);
}

const runtime = await GpuRuntime.acquire();
const rows: BenchRow[] = [];
for (const name of chosen) {
  console.error(`running ${name} ...`);
  rows.push(...await BENCHES[name](runtime));
}
const report = markdownReport(runtime, rows);
console.log(report);
if (values.out) await Deno.writeTextFile(values.out, report + "\n");
runtime.destroy();
