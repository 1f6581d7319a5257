/** The neurosbi command line: `deno task cli <command> --help`. */
import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { FLOW_KINDS } from "../flows/kinds.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { getModel, modelNames } from "../models/registry.ts";
import { TASK_NAMES } from "../sbibm/registry.ts";
import { BACKEND_NAMES } from "../tf/backend_names.ts";
import { DEFAULT_TRAINING } from "../train/options.ts";
import { CONDITION_DEFAULTS } from "../experiments/condition_options.ts";
import { EXPERIMENT_NAMES, SIZES, SUMMARIES } from "../experiments/configs.ts";
import { DEFAULT_FREQ_RANGE } from "../events/detect.ts";
import { BETA_TIME_BASE } from "../events/waveforms.ts";
import { baselineOption, columnOption, offsetOption, scaleOption, smoothOption } from "./recording_options.ts";
import { replayCommand } from "./replay.ts";
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

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError("must be a positive number");
  }
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError("must be a number ≥ 0");
  }
  return n;
}

function numberList(value: string): number[] {
  const values = value.split(",").map((v) => (v.trim() === "" ? NaN : Number(v)));
  if (values.some((v) => !Number.isFinite(v))) throw new InvalidArgumentError("must be comma-separated numbers");
  return values;
}

function integer(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("must be an integer");
  return n;
}

const flowOption = () => new Option("--flow <kind>", "density estimator").choices(FLOW_KINDS).default("maf" as const);
const backendOption = () =>
  new Option("--backend <name>", "tfjs backend (auto: wasm, the fastest measured, also beside a GPU)")
    .choices(BACKEND_NAMES).default("auto" as const);

export function buildProgram(): Command {
  const program = new Command()
    .name("neurosbi")
    .description("GPU-native simulation-based inference for biophysically detailed neural models")
    .showHelpAfterError("(add --help for usage)");

  program.command("simulate")
    .description(
      "simulate a model at given parameter sets (--theta-file) or a dataset of prior draws (--n), or one HNN network " +
        "spec (--spec)",
    )
    .option("--model <name>", `simulator: ${modelNames().join(", ")}`)
    .option("--spec <json>", "an HNN network spec (docs/hnn-spec.md) to simulate once instead of a model")
    .requiredOption("--out <path>", "output: a JSON file with --theta-file or --spec, a dataset folder with --n")
    .option("--theta-file <csv>", "CSV with a header of the prior's parameter names, one row per parameter set")
    .option("--n <N>", "number of parameter sets to draw from the prior", positiveInt)
    .option("--seed <S>", "seed of the prior draws", integer, 0)
    .option("--shard-size <K>", "rows per shard written while simulating (resume granularity)", positiveInt)
    .option("--theta <values>", "with --spec: values of the spec's parameters, comma-separated", numberList)
    .option("--trial <T>", "with --spec: trial index (shifts the drives' seeds as hnn-core's trials)", integer, 0)
    .option("--record-gids <gids>", "with --spec: gids whose soma voltage to write, comma-separated", numberList)
    .option("--dt <ms>", "with an hnn-core network file as --spec: integration step (default 0.025)", positiveNumber)
    .option("--tstop <ms>", "with an hnn-core network file as --spec: simulated time", positiveNumber)
    .option(
      "--smooth-ms <W>",
      "with --spec: also write the dipoles smoothed with a W ms Hamming window",
      positiveNumber,
    )
    .option("--scale <F>", "with --spec: also write the dipoles multiplied by F (after smoothing)", Number)
    .action((options) => simulateCommand(options));

  program.command("replay")
    .description("simulate an hnn-core fixture's scenario (same dt, tstop, gids) and write its outputs as JSON")
    .requiredOption(
      "--fixture <file>",
      "hnn-core reference run, e.g. data/fixtures/hnn/tonic_a.json.gz (JSON, gzip if .gz)",
    )
    .requiredOption("--out <file>", "output JSON: times_ms, dipole_nAm_raw {agg, L2, L5}, spikes, soma_v_mV")
    .action((options) => replayCommand(options));

  program.command("serve")
    .description("serve the diagnostics report of the runs in a folder")
    .requiredOption("--runs <dir>", "folder holding run folders (as the experiment command writes them)")
    .option("--port <P>", "TCP port (0: any free port)", port, 8000)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .option(
      "--data <dir>",
      "folder of recordings (time ms, value; or hnn-core dipole files) the condition page offers " +
        "(default: the data folder's meg/)",
    )
    .action(async (options) => (await import("./serve.ts")).serveCommand(options));

  program.command("train")
    .description("train a neural posterior estimator q(θ | x) on a dataset folder and save it")
    .requiredOption("--data <dir>", "dataset folder written by simulate --n")
    .requiredOption("--out <dir>", "posterior folder (holds checkpoint.bin while training; rerun to resume)")
    .addOption(flowOption())
    .option("--batch-size <B>", "training batch size", positiveInt, DEFAULT_TRAINING.batchSize)
    .option("--max-epochs <E>", "stop after this many epochs even without convergence", positiveInt)
    .option("--embedding-dim <D>", "put an MLP embedding x → 100 → 100 → D in front of the flow (long x)", positiveInt)
    .option("--seed <S>", "seed of the weights, the validation split and the batch order", integer, 0)
    .addOption(backendOption())
    .action(async (options) => (await import("./train.ts")).trainCommand(options));

  program.command("sample")
    .description("draw posterior samples for one observation from a trained posterior")
    .requiredOption("--posterior <dir>", "folder written by train")
    .requiredOption("--x <csv>", "one row of x (a header row is optional)")
    .requiredOption("--out <csv>", "samples, with a header of the parameter names")
    .option("--n <N>", "number of samples", positiveInt, 10_000)
    .option("--seed <S>", "seed of the draws", integer, 0)
    .addOption(backendOption())
    .action(async (options) => (await import("./sample.ts")).sampleCommand(options));

  program.command("condition")
    .description("condition a finished experiment run's posterior on a waveform; write samples and predictive bands")
    .requiredOption("--run <dir>", "run folder written by experiment")
    .requiredOption(
      "--waveform <file>",
      "a recording: two columns, time (ms) and value, or an hnn-core dipole file (Dipole.write: time, agg, L2, L5); " +
        "cut to the model's window, resampled onto its time base and brought to x's units as the experiment's " +
        "recordings are (erp: MEG nAm ÷ 3000, smoothed over 20 ms)",
    )
    .addOption(columnOption())
    .addOption(scaleOption())
    .addOption(smoothOption())
    .addOption(offsetOption())
    .addOption(baselineOption())
    .requiredOption("--out <json>", "output: label, times_ms, x, samples, acceptance_rate, predictive (docs/runs.md)")
    .option("--samples <N>", "number of posterior samples", positiveInt, CONDITION_DEFAULTS.samples)
    .option(
      "--predictive-sims <N>",
      "simulations for the predictive bands",
      positiveInt,
      CONDITION_DEFAULTS.predictiveSims,
    )
    .option("--seed <S>", "seed of the draws", integer, CONDITION_DEFAULTS.seed)
    .addOption(backendOption())
    .action(async (options) => (await import("./condition.ts")).conditionCommand(options));

  program.command("sbibm")
    .description("simulate an sbibm task, train NPE and write 10,000 posterior samples for one observation")
    .addOption(new Option("--task <name>", "benchmark task").choices(TASK_NAMES).makeOptionMandatory())
    .requiredOption("--sims <N>", "number of simulations to train on", positiveInt)
    .requiredOption("--observation <K>", "observation 1 to 10", positiveInt)
    .requiredOption("--out <csv>", "samples, header parameter_1,...")
    .addOption(flowOption())
    .option("--samples <N>", "number of posterior samples", positiveInt, 10_000)
    .option("--batch-size <B>", "training batch size", positiveInt, DEFAULT_TRAINING.batchSize)
    .option("--max-epochs <E>", "stop after this many epochs even without convergence", positiveInt)
    .option("--seed <S>", "seed of the simulations, weights, split, batches and samples", integer, 0)
    .addOption(backendOption())
    .action(async (options) => (await import("./sbibm.ts")).sbibmCommand(options));

  program.command("experiment")
    .description("run one of the paper's experiments end to end (simulate → train → diagnose) into a run folder")
    .addOption(new Option("--name <name>", "experiment").choices(EXPERIMENT_NAMES).makeOptionMandatory())
    .addOption(
      new Option("--size <size>", "small: minutes on a laptop; paper: the paper's budget").choices(SIZES).default(
        "small" as const,
      ),
    )
    .requiredOption("--out <dir>", "run folder (served by `deno task serve --runs` its parent)")
    .option("--sims <N>", "training simulations, in place of the size's (its checks keep their budget)", positiveInt)
    .option("--summary <name>", `summary statistic: ${Object.keys(SUMMARIES).join(", ")} (default: the experiment's)`)
    .addOption(flowOption())
    .option("--noise", "add the experiment's small uniform noise to every simulated x (training and SBC pairs)")
    .option(
      "--theta-jitter <sd>",
      "add Gaussian noise of this sd, on the prior's unit scale, to the training θ (the paper: 0.01 for rc, hnn-rc, erp)",
      nonNegativeNumber,
    )
    .option("--seed <S>", "seed of every random stream of the run", integer, 0)
    .option("--max-epochs <E>", "cap on training epochs", positiveInt)
    .option("--dt <ms>", "integration step of HNN models (default: the paper's 0.5)", positiveNumber)
    .addOption(backendOption())
    .action(async (options) => (await import("./experiment.ts")).experimentCommand(options));

  const diagnose = program.command("diagnose").description("one diagnostic at a time, written as JSON");
  for (
    const [name, what] of [["c2st", "classifier two-sample test"], ["overlap", "overlap coefficient per marginal"]]
  ) {
    diagnose.command(name)
      .description(`${what} between two posteriors' sample CSVs (as sample and sbibm write them)`)
      .requiredOption("--a <csv>", "first sample set (the reference: C2ST z-scores with its moments)")
      .requiredOption("--b <csv>", "second sample set, same parameters")
      .requiredOption("--out <json>", "result")
      .option("--seed <S>", "seed of the cross-validation split and the classifiers", integer, 1)
      .action(async (options) => {
        const commands = await import("./diagnose_samples.ts");
        await (name === "c2st" ? commands.c2stCommand : commands.overlapCommand)(options);
      });
  }

  const runChecks = [
    ["sbc", "simulation-based calibration: rank statistics and a KS uniformity test per parameter"],
    ["coverage", "expected coverage of the highest-density regions"],
    ["recovery", "the paper's grid: parameter recovery error and posterior predictive RMSE at each ground truth"],
  ] as const;
  for (const [check, what] of runChecks) {
    diagnose.command(check)
      .description(`${what}, of a finished experiment run's posterior (fresh simulations)`)
      .requiredOption("--run <dir>", "run folder written by experiment")
      .requiredOption("--out <json>", "result (the same fields as the run's own diagnostics/*.json)")
      .option("--pairs <N>", "sbc, coverage: prior draws simulated and conditioned on", positiveInt, 300)
      .option("--samples <M>", "sbc, coverage: posterior samples per draw", positiveInt, 200)
      .option("--grid-points <K>", "recovery: ground truths per dimension of the unit cube", positiveInt, 4)
      .option("--grid-samples <S>", "recovery: posterior samples per ground truth", positiveInt, 500)
      .option("--predictive-sims <P>", "recovery: simulations from posterior samples per ground truth", positiveInt, 20)
      .option("--seed <S>", "seed of the draws (another seed than the run's gives fresh ones)", integer, 1)
      .addOption(backendOption())
      .action(async (options) => (await import("./diagnose_run.ts")).diagnoseRunCommand(check, options));
  }

  program.command("events")
    .description(
      "spectral events (Shin et al. 2017, find method 1) in recorded trials, and their trough-aligned waveforms",
    )
    .requiredOption("--input <npy>", ".npy of trials × samples (float64 or float32)")
    .requiredOption("--fs <Hz>", "sampling rate", positiveNumber)
    .option("--band <low,high>", "band of the events, Hz, inclusive", numberList, [15, 29])
    .option(
      "--threshold-fom <F>",
      "threshold: F × each frequency's median power over all trials and times",
      positiveNumber,
      6,
    )
    .option("--freqs <low,high>", "frequencies of the wavelet TFR, Hz, in 1 Hz steps", numberList, [
      ...DEFAULT_FREQ_RANGE,
    ])
    .requiredOption("--out <json>", "output: {trials: [[event, ...], ...]}, one list per trial (docs/events.md)")
    .option("--gpu", "compute the wavelet TFR on the GPU (float32) instead of the CPU (float64)")
    .option(
      "--waveforms <json>",
      "also write the events' trough-aligned waveforms averaged in bins of trough amplitude",
    )
    .option("--bins <edges>", "with --waveforms: trough amplitude bin edges, nAm, increasing", numberList, [
      -100,
      -60,
      -30,
    ])
    .option(
      "--segment-ms <W>",
      "with --waveforms: each event's segment spans ±W ms about its trough",
      positiveNumber,
      100,
    )
    .option("--to-nam <F>", "with --waveforms: nAm per unit of the input (A·m: 1e9)", positiveNumber, 1e9)
    .option(
      "--trough-ms <T>",
      "with --waveforms: the trough's time on the model's time base",
      Number,
      BETA_TIME_BASE.troughMs,
    )
    .option("--model-window <from,to>", "with --waveforms: the model's x window, ms", numberList, [
      ...BETA_TIME_BASE.windowMs,
    ])
    .option("--model-dt <ms>", "with --waveforms: the model's time step", positiveNumber, BETA_TIME_BASE.dtMs)
    .option("--scale <F>", "with --waveforms: nAm per unit of the model's x", positiveNumber, BETA_TIME_BASE.scale)
    .option(
      "--smooth-ms <W>",
      "with --waveforms: the model's Hamming smoothing window (0: none)",
      nonNegativeNumber,
      BETA_TIME_BASE.smoothMs,
    )
    .action(async (options) => (await import("./events.ts")).eventsCommand(options));

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
