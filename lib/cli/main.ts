/** The neurosbi command line: `deno task cli <command> --help`. */
import { Command, InvalidArgumentError } from "@commander-js/extra-typings";
import { GpuRuntime } from "../gpu/runtime.ts";
import { getModel, modelNames } from "../models/registry.ts";
import { replayCommand } from "./replay.ts";
import { serveCommand } from "./serve.ts";
import { simulateCommand } from "./simulate.ts";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError("must be a positive integer");
  }
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n > 65535) throw new InvalidArgumentError("must be a port number, 0–65535");
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("must be an integer");
  return n;
}

export function buildProgram(): Command {
  const program = new Command()
    .name("neurosbi")
    .description("GPU-native simulation-based inference for biophysically detailed neural models")
    .showHelpAfterError("(add --help for usage)");

  program.command("simulate")
    .description("simulate given parameter sets (--theta-file) or a dataset of prior draws (--n)")
    .requiredOption("--model <name>", `simulator: ${modelNames().join(", ")}`)
    .requiredOption("--out <path>", "output: a JSON file with --theta-file, a dataset folder with --n")
    .option("--theta-file <csv>", "CSV with a header of the prior's parameter names, one row per parameter set")
    .option("--n <N>", "number of parameter sets to draw from the prior", positiveInt)
    .option("--seed <S>", "seed of the prior draws", integer, 0)
    .option("--shard-size <K>", "rows per shard written while simulating (resume granularity)", positiveInt)
    .action((options) => simulateCommand(options));

  program.command("replay")
    .description("simulate an hnn-core fixture's scenario (same dt, tstop, gids) and write its outputs as JSON")
    .requiredOption("--fixture <file>", "fixture from ../shared/fixtures/hnn/ (gzip JSON)")
    .requiredOption("--out <file>", "output JSON: times_ms, dipole_nAm_raw {agg, L2, L5}, spikes, soma_v_mV")
    .action((options) => replayCommand(options));

  program.command("serve")
    .description("serve the diagnostics report of the runs in a folder")
    .requiredOption("--runs <dir>", "folder holding run folders (as the experiment command writes them)")
    .option("--port <P>", "TCP port (0: any free port)", port, 8000)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .action((options) => serveCommand(options));

  program.command("info")
    .description("show the WebGPU adapter and the models with their priors")
    .action(async () => {
      const runtime = await GpuRuntime.acquire();
      const { adapterSummary: a, device } = runtime;
      console.log(`adapter: ${a.description} (vendor ${a.vendor}${a.fallback ? ", software" : ""})`);
      console.log(`max storage binding: ${device.limits.maxStorageBufferBindingSize} bytes`);
      runtime.destroy();
      for (const name of modelNames()) {
        const model = getModel(name);
        console.log(`\nmodel ${name}: ${model.description}`);
        for (const p of model.prior.parameters) {
          console.log(`  ${p.name}: [${p.low}, ${p.high}]${p.unit ? ` ${p.unit}` : ""} (${p.scale})`);
        }
      }
    });
  return program;
}

if (import.meta.main) {
  try {
    await buildProgram().parseAsync(Deno.args, { from: "user" });
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
