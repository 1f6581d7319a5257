/** `experiment`: one of the paper's experiments end to end (simulate → train → diagnose) into a run folder. */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ExperimentName, EXPERIMENTS, type Size } from "../experiments/configs.ts";
import { checkExperimentFolder, type ExperimentOptions, runExperiment } from "../experiments/run.ts";
import type { FlowKind } from "../flows/flow.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";

export interface ExperimentArgs {
  name: ExperimentName;
  size: Size;
  out: string;
  sims?: number;
  summary?: string;
  flow: FlowKind;
  noise?: boolean;
  thetaJitter?: number;
  seed: number;
  maxEpochs?: number;
  backend: BackendName;
  dt?: number;
}

export async function experimentCommand(args: ExperimentArgs): Promise<void> {
  const config = EXPERIMENTS[args.name];
  const model = config.simulator(args.dt ?? config.dtMs);
  const options: Omit<ExperimentOptions, "runtime"> = {
    ...args,
    config,
    dtMs: args.dt,
    budget: args.sims ? { sims: args.sims } : undefined,
    command: experimentCommandLine(args),
  };
  // Before the GPU: a folder this run may not write into is refused at once.
  const previous = await checkExperimentFolder(options, model);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  try {
    const backend = await useBackend(args.backend);
    console.error(
      `experiment ${args.name} (${args.size}) ${previous ? "resumed in" : "into"} ${args.out}; tfjs ${backend}`,
    );
    const began = performance.now();
    const experiment = await runExperiment({ ...options, runtime });
    const results = experiment.results as Record<string, unknown>;
    console.log(
      `experiment ${args.name} complete in ${((performance.now() - began) / 60_000).toFixed(1)} min: ` +
        `SBC rejected ${results.sbc_rejected} of ${model.prior.dim}, median recovery error ` +
        `${(results.median_recovery_error as number[]).map((e) => e.toFixed(3)).join("/")}; wrote ${args.out}`,
    );
  } finally {
    runtime.destroy();
  }
}

/**
 * The command line that runs this experiment again, so resumes it: the deno that runs it, the project's config and
 * an absolute --out, so that it works from any folder.
 */
export function experimentCommandLine(args: ExperimentArgs): string {
  const flags: [string, string | number | boolean | undefined][] = [
    ["--name", args.name],
    ["--size", args.size],
    ["--out", resolve(args.out)],
    ["--sims", args.sims],
    ["--summary", args.summary],
    ["--flow", args.flow],
    ["--noise", args.noise],
    ["--theta-jitter", args.thetaJitter],
    ["--seed", args.seed],
    ["--max-epochs", args.maxEpochs],
    ["--dt", args.dt],
    ["--backend", args.backend],
  ];
  const words = flags.filter(([, value]) => value !== undefined && value !== false)
    .flatMap(([flag, value]) => value === true ? [flag] : [flag, shellWord(String(value))]);
  const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
  const task = [Deno.execPath(), "task", "--config", config].map(shellWord);
  return [...task, "cli", "experiment", ...words].join(" ");
}

/** `word` as one POSIX shell word. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
