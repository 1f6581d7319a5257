/** `deno task bench [--out FILE]`: run every benchmark on this machine's adapter and print a markdown table. */
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { benchRc } from "./rc_bench.ts";
import { markdownReport } from "./report.ts";

const outIndex = Deno.args.indexOf("--out");
const runtime = await GpuRuntime.acquire();
const rows = [...await benchRc(runtime)];
const report = markdownReport(runtime, rows);
console.log(report);
if (outIndex >= 0) await Deno.writeTextFile(Deno.args[outIndex + 1], report + "\n");
runtime.destroy();
