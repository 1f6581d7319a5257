/** The neurosbi command line: `deno task cli <command> --help`. */
import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { FLOW_KINDS } from "../flows/kinds.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { canonicalModelName, getModel, MODEL_ALIASES, MODEL_CHOICES, modelNames } from "../experiments/models.ts";
import { TASK_NAMES } from "../sbibm/registry.ts";
import { BACKEND_NAMES } from "../tf/backend_names.ts";
import { DEFAULT_TRAINING } from "../train/options.ts";
import { TRUNCATION_DEFAULTS } from "../fit/truncation.ts";
import { SEARCH_DEFAULTS } from "../fit/search.ts";
import { CONDITION_DEFAULTS } from "../experiments/condition_options.ts";
import { EXPERIMENT_NAMES, SIZES, SUMMARIES } from "../experiments/configs.ts";
import { EXPERIMENT_STAGES } from "../experiments/types.ts";
import { describeParameter } from "../prior/schema.ts";
import { experimentClusterOption, registerClusterCommands, withClusterOptions } from "./cluster.ts";
import { DEFAULT_FREQ_RANGE } from "../events/detect.ts";
import { BETA_TIME_BASE } from "../events/waveforms.ts";
import { checkHostName } from "../server/request_guard.ts";
import { baselineOption, columnOption, offsetOption, scaleOption, smoothOption } from "./recording_options.ts";
import { replayCommand } from "./replay.ts";
import type { RunCheck } from "./diagnose_run.ts";
import { simulateCommand } from "./simulate.ts";
import { integer, nonNegativeNumber, numberList, positiveInt, positiveNumber } from "./arguments.ts";

function port(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n > 65535) throw new InvalidArgumentError("must be a port number, 0–65535");
  return n;
}

function hostName(value: string): string {
  try {
    return checkHostName(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Old spellings of a flag, still accepted but no longer listed. */
const hiddenAlias = (flags: string, parse: (value: string) => number) => new Option(flags).argParser(parse).hideHelp();

const aliasNote = Object.entries(MODEL_ALIASES).map(([old, name]) => `${old} for ${name}`).join(", ");

/** A model or experiment name; the old model names are accepted for the new ones. */
function experimentName(value: string): typeof EXPERIMENT_NAMES[number] {
  const name = canonicalModelName(value);
  if (!(EXPERIMENT_NAMES as readonly string[]).includes(name)) {
    throw new InvalidArgumentError(`must be one of ${EXPERIMENT_NAMES.join(", ")}`);
  }
  return name as typeof EXPERIMENT_NAMES[number];
}

const flowOption = () => new Option("--flow <kind>", "density estimator").choices(FLOW_KINDS).default("maf" as const);
/** NSF scored best on every sbibm task (docs/BENCHMARKS.md), and sbibm's own NPE uses it. */
const npeFlowOption = () =>
  new Option("--flow <kind>", "density estimator (nsf scored best on sbibm)").choices(FLOW_KINDS).default(
    "nsf" as const,
  );
const backendOption = () =>
  new Option(
    "--backend <name>",
    "where flows train and sample: webgpu (fused WGSL kernels), wasm or cpu (tfjs), tfjs-webgpu (tfjs's own, slow); " +
      "auto: webgpu on a hardware GPU, wasm on the software adapter (less CPU and faster sampling there) or without WebGPU",
  )
    .choices(BACKEND_NAMES).default("auto" as const);

export function buildProgram(): Command {
  const program = new Command()
    .name("neurosbi")
    .description("GPU-native simulation-based inference for biophysically detailed neural models")
    .showHelpAfterError("(add --help for usage)");

  program.command("simulate")
    .description(
      "simulate a model at given parameter sets (--theta-file) or a dataset of prior draws (--sims), or an HNN " +
        "network spec (--spec): once, or a dataset of draws from its parameters' priors (--sims)",
    )
    .option("--model <name|file>", `simulator: ${MODEL_CHOICES} (also ${aliasNote})`)
    .option(
      "--spec <json>",
      "an HNN network spec (docs/hnn-spec.md), hnn-core network file or HNN parameter file (.param, .json)",
    )
    .requiredOption("--out <path>", "output: a JSON file with --theta-file or --spec, a dataset folder with --sims")
    .option("--theta-file <csv>", "CSV with a header of the prior's parameter names, one row per parameter set")
    .option("--sims <N>", "number of parameter sets to draw from the prior and simulate", positiveInt)
    .addOption(hiddenAlias("--n <N>", positiveInt))
    .option("--seed <S>", "seed of the prior draws", integer, 0)
    .option("--shard-size <K>", "rows per shard written while simulating (resume granularity)", positiveInt)
    .option("--theta <values>", "with --spec: values of the spec's parameters, comma-separated", numberList)
    .option("--trial <T>", "with --spec: trial index (shifts the drives' seeds as hnn-core's trials)", integer, 0)
    .option(
      "--trials <K>",
      "with --model, or --spec and --sims: x is the mean of K trials (hnn-core's n_trials), as a fit --trials K " +
        "simulates; --theta-file rows average trials 0 to K − 1",
      positiveInt,
      1,
    )
    .option("--record-gids <gids>", "with --spec: gids whose soma voltage to write, comma-separated", numberList)
    .option(
      "--dt <ms>",
      "integration step: of an HNN --model (default: its own; a fit's at another step, as fit --dt), or of an " +
        "hnn-core network or parameter file as --spec (default 0.025 or the file's)",
      positiveNumber,
    )
    .option(
      "--tstop <ms>",
      "with an hnn-core network or parameter file as --spec: simulated time (a parameter file's by default)",
      positiveNumber,
    )
    .option(
      "--smooth-ms <W>",
      "with --spec: also write the dipoles smoothed with a W ms Hamming window",
      positiveNumber,
    )
    .option(
      "--scale <F>",
      "with --spec: also write the dipoles multiplied by F (after smoothing); with --theta-file: x multiplied by F " +
        "(a fit's recording scale, as fit-export's predictive.csv)",
      Number,
    )
    .action((options) => simulateCommand(options));

  program.command("replay")
    .description("simulate an hnn-core fixture's scenario (same dt, tstop, gids) and write its outputs as JSON")
    .requiredOption(
      "--fixture <file>",
      "hnn-core reference run, e.g. data/fixtures/hnn/tonic_a.json.gz (JSON, gzip if .gz)",
    )
    .requiredOption("--out <file>", "output JSON: times_ms, dipole_nAm_raw {agg, L2, L5}, spikes, soma_v_mV")
    .action((options) => replayCommand(options));

  program.command("export")
    .description("write a run's report as files: every figure as SVG, each observation's posterior samples as CSV")
    .requiredOption("--run <dir>", "run folder written by experiment")
    .requiredOption("--out <dir>", "new or empty folder for the files")
    .action(async (options) => (await import("./export.ts")).exportCommand(options));

  program.command("serve")
    .description("serve the diagnostics report of the runs in a folder")
    .option("--runs <dir>", "folder holding run folders (as the experiment command writes them)", "runs")
    .option("--port <P>", "TCP port (0: any free port)", port, 8000)
    .option(
      "--host <address>",
      "address to listen on: 127.0.0.1 serves this machine only; 0.0.0.0 or :: every network interface (the serve " +
        "task may listen on any address, so this option alone decides who can connect)",
      hostName,
      "127.0.0.1",
    )
    .option(
      "--allow-host <name>",
      "a further name clients reach the report by, e.g. the machine's name with --host 0.0.0.0 (repeatable); " +
        "requests addressed to other names are refused, so that no web page can read the report through DNS rebinding",
      (value: string, names: string[] = []) => [...names, hostName(value)],
    )
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
    .addOption(npeFlowOption())
    .option("--batch-size <B>", "training batch size", positiveInt, DEFAULT_TRAINING.batchSize)
    .option("--max-epochs <E>", "stop after this many epochs even without convergence", positiveInt)
    .option("--embedding-dim <D>", "put an MLP embedding x → 100 → 100 → D in front of the flow (long x)", positiveInt)
    .option("--seed <S>", "seed of the weights, the validation split and the batch order", integer, 0)
    .option(
      "--noise [sd]",
      "add uniform observation noise of this standard deviation to every x, drawn from each row's seed (no value: " +
        "the noise of the experiment whose model made the dataset)",
      nonNegativeNumber,
    )
    .addOption(backendOption())
    .action(async (options) => (await import("./train.ts")).trainCommand(options));

  program.command("sample")
    .description("draw posterior samples for one observation from a trained posterior")
    .requiredOption("--posterior <dir>", "folder written by train")
    .requiredOption("--x <csv>", "one row of x (a header row is optional)")
    .requiredOption("--out <csv>", "samples, with a header of the parameter names")
    .option("--samples <N>", "number of samples", positiveInt, 10_000)
    .addOption(hiddenAlias("--n <N>", positiveInt))
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
    .addOption(npeFlowOption())
    .option("--samples <N>", "number of posterior samples", positiveInt, 10_000)
    .option("--batch-size <B>", "training batch size", positiveInt, DEFAULT_TRAINING.batchSize)
    .option("--max-epochs <E>", "stop after this many epochs even without convergence", positiveInt)
    .option("--seed <S>", "seed of the simulations, weights, split, batches and samples", integer, 0)
    .addOption(backendOption())
    .action(async (options) => (await import("./sbibm.ts")).sbibmCommand(options));

  program.command("fit")
    .description(
      "fit one observation by truncated sequential NPE: rounds of simulations drawn from the prior truncated to the " +
        "last posterior's 1e-4 highest-probability region, into a fit folder (docs/fit.md); rerun to resume",
    )
    .option("--model <name|file>", `simulator: ${MODEL_CHOICES}`)
    .addOption(new Option("--task <name>", "or an sbibm task (validation)").choices(TASK_NAMES))
    .option(
      "--waveform <file>",
      "with --model: a recording, two columns (time ms, value) or an hnn-core dipole file, prepared as condition does",
    )
    .addOption(columnOption())
    .addOption(scaleOption())
    .addOption(smoothOption())
    .addOption(offsetOption())
    .addOption(baselineOption())
    .option("--observation <K>", "with --task: its observation 1 to 10", positiveInt)
    .option("--x <csv>", "or one row of x on the simulator's time base (an sbibm task: its x)")
    .requiredOption("--rounds <R>", "at most R rounds (fewer once the region stops shrinking)", integer)
    .requiredOption("--sims-per-round <N>", "simulations per round", integer)
    .requiredOption("--out <dir>", "fit folder: new or empty, or an unfinished fit of the same options to resume")
    .option("--initial-dataset <dir>", "with --model: a dataset of prior draws (simulate --sims) used as round 1")
    .addOption(npeFlowOption())
    .option("--batch-size <B>", "training batch size", positiveInt, DEFAULT_TRAINING.batchSize)
    .option("--max-epochs <E>", "cap on training epochs per round", positiveInt)
    .option("--seed <S>", "seed of every draw, simulation and flow of the fit", integer, 0)
    .option("--no-noise", "with --model: leave out its experiment's observation noise on simulated x")
    .option("--predictive-sims <K>", "posterior draws simulated per round for the predictive check", integer, 50)
    .option("--samples <N>", "samples of the final posterior kept for the report", positiveInt, 2000)
    .option(
      "--stop-ratio <V>",
      "stop once a round's region keeps more than V of the previous region's prior mass (from round 2 on)",
      positiveNumber,
      0.9,
    )
    .option(
      "--max-prior-draws <M>",
      "prior draws tried per round before the truncation region counts as too small to draw from",
      positiveInt,
      1_000_000,
    )
    .option(
      "--quantile <q>",
      "the region keeps θ whose log q(θ | x_o) is above this quantile of the posterior's own draws (TSNPE's ε; " +
        "larger truncates harder and shrinks faster, at the risk of cutting posterior mass)",
      positiveNumber,
      TRUNCATION_DEFAULTS.quantile,
    )
    .option("--dt <ms>", "with an HNN --model: integration step (default: its experiment's)", positiveNumber)
    .option(
      "--around <csv>",
      "with --model: draw from the prior cut down to a box around the first row of this theta CSV (tune's best.csv)",
    )
    .option(
      "--around-width <w>",
      "with --around: the box's half-width, a fraction of each parameter's range on its scale",
      positiveNumber,
      0.15,
    )
    .option(
      "--trials <K>",
      "with --model: each simulation's x is the mean of K trials (hnn-core's n_trials; K× the networks), as a " +
        "recording averages its trials",
      positiveInt,
      1,
    )
    .addOption(backendOption())
    .action(async (options) => (await import("./fit.ts")).fitCommand(options));

  program.command("tune")
    .description(
      "search for the θ of a model whose waveform, averaged over trials, lies closest to a recording (cross-entropy " +
        "search; docs/fit.md#tune): the centre for fit --around",
    )
    .requiredOption("--model <name|file>", `simulator: ${MODEL_CHOICES}`)
    .requiredOption("--waveform <file>", "a recording, two columns (time ms, value) or an hnn-core dipole file")
    .addOption(columnOption())
    .addOption(scaleOption())
    .addOption(smoothOption())
    .addOption(offsetOption())
    .addOption(baselineOption())
    .option("--start <csv>", "a theta CSV whose first row starts the search (default: the centre of the prior's box)")
    .option("--generations <G>", "generations of the search", positiveInt, 30)
    .option("--population <N>", "candidates per generation", positiveInt, SEARCH_DEFAULTS.population)
    .option("--elite <K>", "best candidates that set the next generation", positiveInt, SEARCH_DEFAULTS.elite)
    .option(
      "--spread <s>",
      "initial spread of every parameter, a fraction of its range on its scale",
      positiveNumber,
      SEARCH_DEFAULTS.spread,
    )
    .option("--trials <K>", "trials (drive seeds) averaged per candidate", positiveInt, 4)
    .option("--dt <ms>", "with an HNN --model: integration step (default: its experiment's)", positiveNumber)
    .option("--seed <S>", "seed of the search's draws and of its trials", integer, 0)
    .requiredOption("--out <dir>", "new or empty folder for search.json and best.csv")
    .action(async (options) => (await import("./tune.ts")).tuneCommand(options));

  program.command("fit-export")
    .description(
      "a finished model fit as samples.csv (posterior draws at its observation), predictive.csv (time_ms, then the " +
        "simulation of each of the first rows, as simulate --theta-file makes it) and fit.json (docs/fit.md)",
    )
    .requiredOption("--fit <dir>", "a complete fit folder (fit --out) of a --model")
    .requiredOption("--out <dir>", "new or empty folder for the three files")
    .option("--samples <N>", "posterior draws in samples.csv", positiveInt, 1000)
    .option("--predictive <K>", "of them, the first K simulated into predictive.csv", positiveInt, 100)
    .option("--seed <S>", "seed of the posterior draws", integer, 0)
    .addOption(backendOption())
    .action(async (options) => (await import("./fit_export.ts")).fitExportCommand(options));

  const experiment = program.command("experiment")
    .description(
      "run an experiment file end to end (simulate → train → diagnose) into a run folder, or print its plan (--dry-run)",
    )
    .option("--config <json>", "experiment file (docs/experiments.md)")
    .option(
      "--name <name>",
      `a shipped experiment, experiments/NAME.json: ${EXPERIMENT_NAMES.join(", ")} (also ${aliasNote})`,
      experimentName,
    )
    .addOption(
      new Option("--size <size>", "small: minutes on a laptop; paper: the paper's budget").choices(SIZES).default(
        "small" as const,
      ),
    )
    .option("--out <dir>", "run folder (served by `deno task serve --runs` its parent); not with --dry-run")
    .option("--dry-run", "print the networks each stage simulates, the time on this adapter and the disk; run nothing")
    .option("--keep-complete", "if --out holds a complete run of these settings, keep it and succeed (else refused)")
    .option("--probe <N>", "networks simulated to measure the time per network (default 4)", positiveInt)
    .option("--sims <N>", "training simulations, in place of the size's (its checks keep their budget)", positiveInt)
    .option("--summary <name>", `summary statistic: ${Object.keys(SUMMARIES).join(", ")} (default: the experiment's)`)
    .addOption(flowOption())
    .addOption(
      new Option(
        "--no-noise",
        "leave out the experiment's observation noise on simulated x (training and SBC pairs); without it a " +
          "deterministic simulator's posterior is an artefact (docs/RESULTS.md)",
      ),
    )
    .addOption(new Option("--noise").hideHelp())
    .option(
      "--theta-jitter <sd>",
      "add Gaussian noise of this sd, on the prior's unit scale, to the training θ (the paper: 0.01 for rc, hnn-rc, erp)",
      nonNegativeNumber,
    )
    .option("--seed <S>", "seed of every random stream of the run", integer, 0)
    .option("--max-epochs <E>", "cap on training epochs", positiveInt)
    .option("--dt <ms>", "integration step of HNN models (default: the paper's 0.5)", positiveNumber)
    .addOption(backendOption())
    .addOption(
      new Option(
        "--until <stage>",
        "stop after this stage, resumable: simulate on a GPU, train elsewhere (docs/paper-runs.md)",
      )
        .choices(EXPERIMENT_STAGES),
    )
    .option("--shard-size <R>", "rows per dataset shard, the unit of resuming (default: 10,000 at most)", positiveInt)
    .option(
      "--time-budget <s>",
      "one step: stop after S seconds, resumable, print what is left (exit 75 when steps remain; docs/paper-runs.md)",
      positiveNumber,
    );
  withClusterOptions(experiment)
    .addOption(experimentClusterOption())
    .action(async (options) => (await import("./experiment.ts")).experimentCommand(options));

  const diagnose = program.command("diagnose").description("one diagnostic at a time, written as JSON");
  const samplePair = (name: string, what: string, a: string) =>
    diagnose.command(name)
      .description(`${what} between two posteriors' sample CSVs (as sample and sbibm write them)`)
      .requiredOption("--a <csv>", a)
      .requiredOption("--b <csv>", "second sample set, same parameters")
      .requiredOption("--out <json>", "result");
  samplePair(
    "c2st",
    "classifier two-sample test",
    "first sample set, the reference (features z-scored with its moments)",
  )
    .option("--seed <S>", "seed of the cross-validation split and the classifiers", integer, 1)
    .action(async (options) => (await import("./diagnose_samples.ts")).c2stCommand(options));
  samplePair("overlap", "overlap coefficient per marginal", "first sample set")
    .action(async (options) => (await import("./diagnose_samples.ts")).overlapCommand(options));

  const runCheck = (check: RunCheck, what: string) =>
    diagnose.command(check)
      .description(`${what}, of a finished experiment run's posterior (fresh simulations)`)
      .requiredOption("--run <dir>", "run folder written by experiment")
      .requiredOption("--out <json>", "result (the same fields as the run's own diagnostics/*.json)")
      .option("--seed <S>", "seed of the draws (another seed than the run's gives fresh ones)", integer, 1)
      .addOption(backendOption());
  for (
    const [check, what] of [
      ["sbc", "simulation-based calibration: rank statistics and a KS uniformity test per parameter"],
      ["coverage", "expected coverage of the highest-density regions"],
    ] as const
  ) {
    runCheck(check, what)
      .option("--pairs <N>", "prior draws simulated and conditioned on", positiveInt, 300)
      .option("--samples <M>", "posterior samples per draw", positiveInt, 200)
      .action(async (options) => (await import("./diagnose_run.ts")).diagnoseRunCommand(check, options));
  }
  runCheck("recovery", "the paper's grid: parameter recovery error and posterior predictive RMSE at each ground truth")
    .option("--grid-points <K>", "ground truths per dimension of the unit cube", positiveInt, 4)
    .option("--grid-samples <S>", "posterior samples per ground truth", positiveInt, 500)
    .option("--predictive-sims <P>", "simulations from posterior samples per ground truth", positiveInt, 20)
    .action(async (options) => (await import("./diagnose_run.ts")).diagnoseRunCommand("recovery", options));

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

  registerClusterCommands(program);

  program.command("pack")
    .description(
      "pack a run folder into a few files of limited size (a tar.gz in parts and pack.json), or copy its results",
    )
    .argument("<run>", "run folder")
    .requiredOption("--out <dir>", "new or empty folder for the pack (or, with --results, the result files)")
    .option("--max-files <N>", "files the pack may take, pack.json included", positiveInt, 8)
    .option("--part-mib <M>", "MiB each part may take", positiveNumber, 16)
    .option("--no-dataset", "leave the dataset's arrays behind even when they fit")
    .option("--results", "copy the run's result files (docs/RESULTS.md) as plain files instead of packing it")
    .action(async (run, options) => (await import("./pack.ts")).packCommand(run, options));

  program.command("unpack")
    .description("unpack a run packed by `pack` into a runs folder, for `deno task serve`")
    .argument("<pack>", "folder holding pack.json and the parts")
    .option("--runs <dir>", "runs folder to unpack into (the run keeps its name)", "runs")
    .action(async (pack, options) => (await import("./pack.ts")).unpackCommand(pack, options));

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
        for (const p of model.prior.parameters) console.log(`  ${describeParameter(p)}`);
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
