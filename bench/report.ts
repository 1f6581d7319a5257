/** Benchmark rows and their markdown table, headed by the machine they were measured on. */
import type { GpuRuntime } from "../mod.ts";

export interface BenchRow {
  benchmark: string;
  size: string;
  value: number;
  unit: string;
}

export function markdownReport(runtime: GpuRuntime, rows: BenchRow[]): string {
  const a = runtime.adapterSummary;
  const lines = [
    `Adapter: ${a.description}${a.fallback ? " (software)" : ""}; Deno ${Deno.version.deno}; ${
      new Date().toISOString()
    }`,
    "",
    "| benchmark | size | throughput |",
    "| --- | --- | --- |",
    ...rows.map((r) => `| ${r.benchmark} | ${r.size} | ${formatNumber(r.value)} ${r.unit} |`),
  ];
  return lines.join("\n");
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "—";
  if (v >= 1e6) return v.toExponential(2);
  // Three significant digits for rates below 100 (e.g. network simulations per second on a software adapter).
  return v < 100 ? v.toPrecision(3) : Math.round(v).toLocaleString("en-US");
}
