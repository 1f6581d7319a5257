/** `simulate`: parameter sets from a CSV to JSON, or a dataset of prior draws to a folder. */
import { planDataset, simulateDataset } from "../data/dataset.ts";
import { assertWritableFile, writeFileAtomic } from "../data/atomic.ts";
import { writeSimulationsJson } from "../data/simulations_json.ts";
import { parseThetaCsv } from "../data/theta_csv.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { getModel } from "../experiments/models.ts";
import { trialMeanSimulator } from "../models/trials.ts";
import { basename } from "node:path";
import { HNN_REQUIRED_LIMITS, hnnSimulator } from "../models/hnn.ts";
import { SpecError, specPrior, validateSpec } from "../hnn/spec/validate.ts";
import { specFromHnnCoreJson } from "../hnn/network/hnncore_json.ts";
import {
  isLegacyParams,
  type LegacyParams,
  parseParamText,
  specFromLegacyParams,
} from "../hnn/network/legacy_params.ts";
import type { ReplayResult } from "../hnn/output/report.ts";
import { simulateSpec } from "../hnn/simulate_spec.ts";
import { smoothWaveform } from "../stats/smooth.ts";
import { createProgress } from "./progress.ts";
import { readInputFile } from "./read_input.ts";

export interface SimulateArgs {
  model?: string;
  spec?: string;
  out: string;
  thetaFile?: string;
  sims?: number;
  /** The old spelling of --sims. */
  n?: number;
  seed: number;
  shardSize?: number;
  theta?: number[];
  trial: number;
  /** x as the mean of this many trials (lib/models/trials.ts). */
  trials: number;
  recordGids?: number[];
  dt?: number;
  tstop?: number;
  smoothMs?: number;
  scale?: number;
}

export async function simulateCommand(args: SimulateArgs): Promise<void> {
  if (args.sims !== undefined && args.n !== undefined) throw new Error("give --sims once (--n is its old spelling)");
  const sims = args.sims ?? args.n;
  if (args.spec !== undefined) {
    if (args.model !== undefined || args.thetaFile !== undefined) {
      throw new Error("--spec simulates a network spec: give it without --model or --theta-file");
    }
    if (sims === undefined) {
      if (args.trials !== 1) {
        throw new Error("--trials averages x over trials: give it with --sims (one --spec run is one --trial)");
      }
      await simulateSpecFile(args.spec, args.out, args);
    } else {
      if (args.theta !== undefined || args.recordGids !== undefined || args.trial !== 0) {
        throw new Error("--sims draws θ from the spec's priors: give it without --theta, --trial or --record-gids");
      }
      await simulateDatasetOf(trialMeanSimulator(specModel(args.spec, args), args.trials), args.out, sims, args);
    }
    return;
  }
  if (args.theta !== undefined || args.recordGids !== undefined || args.trial !== 0) {
    throw new Error("--theta, --trial and --record-gids go with --spec (a --model takes --trials)");
  }
  if (args.model === undefined) throw new Error("give --model NAME (or --spec FILE)");
  if (args.tstop !== undefined) throw new Error("--tstop applies to hnn-core network files given as --spec");
  const model = trialMeanSimulator(getModel(args.model, args.dt), args.trials);
  if (args.thetaFile !== undefined) {
    if (sims !== undefined) throw new Error("give either --theta-file or --sims, not both");
    await simulateThetaFile(args.thetaFile, args.out, model, args.scale ?? 1);
    return;
  }
  if (sims === undefined) throw new Error("give --theta-file T.csv or --sims N (--n N)");
  if (args.scale !== undefined) {
    throw new Error("--scale goes with --theta-file or --spec: a dataset keeps x as simulated");
  }
  await simulateDatasetOf(model, args.out, sims, args);
}

/** A dataset of `n` draws from the model's prior, written to the folder `out` (resumable, with progress). */
async function simulateDatasetOf(model: Simulator, out: string, n: number, args: SimulateArgs): Promise<void> {
  // Limits, folder and identity are checked before the GPU is acquired.
  await planDataset({ model, n, seed: args.seed, dir: out, shardSize: args.shardSize });
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  const progress = createProgress(`simulate ${model.name}`, n);
  try {
    const { manifest } = await simulateDataset({
      model,
      runtime,
      n,
      seed: args.seed,
      dir: out,
      shardSize: args.shardSize,
      onProgress: (done) => progress.update(done),
      log: (m) => console.error(m),
    });
    progress.stop();
    const rate = manifest.sims_per_second ? `, ${Math.round(manifest.sims_per_second)} sims/s` : "";
    console.log(
      `wrote ${manifest.n} × (${manifest.theta_names.length} θ, ${manifest.times_ms.length} x) to ${out}` +
        ` (${manifest.nonfinite_rows ?? 0} non-finite rows${rate})`,
    );
  } finally {
    progress.stop();
    runtime.destroy();
  }
}

async function simulateThetaFile(thetaFile: string, out: string, model: Simulator, scale: number): Promise<void> {
  const text = await readInputFile(thetaFile);
  const theta = parseThetaCsv(text, model.prior, thetaFile);
  await assertWritableFile(out);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  try {
    await writeSimulationsJson(out, model, runtime, theta, { scale });
    console.log(`wrote ${theta.length / model.prior.dim} simulations of ${model.timesMs.length} samples to ${out}`);
  } finally {
    runtime.destroy();
  }
}

/**
 * The spec file as a neurosbi spec: an hnn-core network converted at --dt and --tstop, or a legacy HNN parameter
 * file (`.param` text or flat JSON) at its own dt and tstop unless --dt or --tstop are given.
 */
function readSpecFile(specFile: string, args: SimulateArgs): unknown {
  let text: string;
  try {
    text = Deno.readTextFileSync(specFile);
  } catch (error) {
    throw new Error(`cannot read spec ${specFile}: ${(error as Error).message}`);
  }
  const legacy = (params: LegacyParams) => {
    try {
      return specFromLegacyParams(params, { dtMs: args.dt, tstopMs: args.tstop });
    } catch (error) {
      throw new Error(`${specFile}: ${(error as Error).message}`);
    }
  };
  if (/\.param$/i.test(specFile)) {
    let params: LegacyParams;
    try {
      params = parseParamText(text);
    } catch (error) {
      throw new Error(`${specFile}: ${(error as Error).message}`);
    }
    return legacy(params);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (error) {
    throw new Error(`cannot read spec ${specFile}: ${(error as Error).message}`);
  }
  // A network saved by hnn-core (Network.write_configuration) carries no dt or tstop of its own.
  if ((spec as { object_type?: string })?.object_type === "Network") {
    if (args.tstop === undefined) throw new Error(`${specFile} is an hnn-core network: give --tstop (and --dt)`);
    return specFromHnnCoreJson(spec, args.dt ?? 0.025, args.tstop);
  }
  if (isLegacyParams(spec)) return legacy(spec);
  if (args.tstop !== undefined || args.dt !== undefined) {
    throw new Error("--dt and --tstop apply to hnn-core files; a neurosbi spec sets dt_ms and tstop_ms");
  }
  return spec;
}

/**
 * A spec whose parameters give their priors as a Simulator: x is the aggregate dipole smoothed over 20 ms, as the
 * HNN experiments' (docs/hnn-spec.md).
 */
function specModel(specFile: string, args: SimulateArgs): Simulator {
  const label = basename(specFile).replace(/\.json$/, "");
  try {
    const spec = validateSpec(readSpecFile(specFile, args));
    return hnnSimulator(`spec:${label}`, `network spec ${specFile}`, specPrior(spec.parameters), spec);
  } catch (error) {
    if (error instanceof SpecError) throw new Error(`${specFile}: ${error.message}`);
    throw error;
  }
}

async function simulateSpecFile(specFile: string, out: string, args: SimulateArgs): Promise<void> {
  const spec = readSpecFile(specFile, args);
  await assertWritableFile(out);
  const runtime = await GpuRuntime.acquire({ requiredLimits: HNN_REQUIRED_LIMITS });
  try {
    const result = await simulateSpec(runtime, spec, {
      theta: args.theta,
      trial: args.trial,
      recordGids: args.recordGids,
    });
    const processed = args.smoothMs === undefined && args.scale === undefined
      ? {}
      : { dipole_nAm_processed: postprocess(result, args) };
    await writeFileAtomic(out, JSON.stringify({ ...result, ...processed }) + "\n");
    console.log(`wrote ${result.times_ms.length} samples and ${result.spikes.gids.length} spikes to ${out}`);
  } finally {
    runtime.destroy();
  }
}

/** hnn-core's Dipole.smooth(window).scale(factor) on each layer, as users apply them after a run. */
function postprocess(result: ReplayResult, args: SimulateArgs) {
  const dt = result.times_ms[1] - result.times_ms[0], scale = args.scale ?? 1;
  const apply = (x: number[]) =>
    Array.from(args.smoothMs === undefined ? x.map((v) => v * scale) : smoothWaveform(x, args.smoothMs, dt, scale));
  const { agg, L2, L5 } = result.dipole_nAm_raw;
  return { window_ms: args.smoothMs ?? 0, scale, agg: apply(agg), L2: apply(L2), L5: apply(L5) };
}
