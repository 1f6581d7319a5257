/** `simulate`: parameter sets from a CSV to JSON, or a dataset of prior draws to a folder. */
import { planDataset, simulateDataset } from "../data/dataset.ts";
import { assertWritableFile, writeFileAtomic } from "../data/atomic.ts";
import { writeSimulationsJson } from "../data/simulations_json.ts";
import { parseThetaCsv } from "../data/theta_csv.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import type { Simulator } from "../models/model.ts";
import { getModel } from "../models/registry.ts";
import { HNN_REQUIRED_LIMITS } from "../hnn/models.ts";
import { specFromHnnCoreJson } from "../hnn/network/hnncore_json.ts";
import type { ReplayResult } from "../hnn/replay.ts";
import { simulateSpec } from "../hnn/run_spec.ts";
import { smoothWaveform } from "../stats/smooth.ts";
import { createProgress } from "./progress.ts";
import { readInputFile } from "./read_input.ts";

export interface SimulateArgs {
  model?: string;
  spec?: string;
  out: string;
  thetaFile?: string;
  n?: number;
  seed: number;
  shardSize?: number;
  theta?: number[];
  trial: number;
  recordGids?: number[];
  dt?: number;
  tstop?: number;
  smoothMs?: number;
  scale?: number;
}

export async function simulateCommand(args: SimulateArgs): Promise<void> {
  if (args.spec !== undefined) {
    if (args.model !== undefined || args.n !== undefined || args.thetaFile !== undefined) {
      throw new Error("--spec simulates one network: give it without --model, --n or --theta-file");
    }
    await simulateSpecFile(args.spec, args.out, args);
    return;
  }
  if (args.theta !== undefined || args.recordGids !== undefined) {
    throw new Error("--theta and --record-gids go with --spec");
  }
  if (args.model === undefined) throw new Error("give --model NAME (or --spec FILE)");
  const model = getModel(args.model);
  if (args.thetaFile !== undefined) {
    if (args.n !== undefined) throw new Error("give either --theta-file or --n, not both");
    await simulateThetaFile(args.thetaFile, args.out, model);
    return;
  }
  if (args.n === undefined) throw new Error("give --theta-file T.csv or --n N");
  // Limits, folder and identity are checked before the GPU is acquired.
  await planDataset({ model, n: args.n, seed: args.seed, dir: args.out, shardSize: args.shardSize });
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  const progress = createProgress(`simulate ${model.name}`, args.n);
  try {
    const manifest = await simulateDataset({
      model,
      runtime,
      n: args.n,
      seed: args.seed,
      dir: args.out,
      shardSize: args.shardSize,
      onProgress: (done) => progress.update(done),
      log: (m) => console.error(m),
    });
    progress.stop();
    const rate = manifest.sims_per_second ? `, ${Math.round(manifest.sims_per_second)} sims/s` : "";
    console.log(
      `wrote ${manifest.n} × (${manifest.theta_names.length} θ, ${manifest.times_ms.length} x) to ${args.out}` +
        ` (${manifest.nonfinite_rows ?? 0} non-finite rows${rate})`,
    );
  } finally {
    progress.stop();
    runtime.destroy();
  }
}

async function simulateThetaFile(thetaFile: string, out: string, model: Simulator): Promise<void> {
  const text = await readInputFile(thetaFile);
  const theta = parseThetaCsv(text, model.prior, thetaFile);
  await assertWritableFile(out);
  const runtime = await GpuRuntime.acquire({ requiredLimits: model.requiredLimits });
  try {
    await writeSimulationsJson(out, model, runtime, theta);
    console.log(`wrote ${theta.length / model.prior.dim} simulations of ${model.timesMs.length} samples to ${out}`);
  } finally {
    runtime.destroy();
  }
}

async function simulateSpecFile(specFile: string, out: string, args: SimulateArgs): Promise<void> {
  let spec: unknown;
  try {
    spec = JSON.parse(await Deno.readTextFile(specFile));
  } catch (error) {
    throw new Error(`cannot read spec ${specFile}: ${(error as Error).message}`);
  }
  // A network saved by hnn-core (Network.write_configuration) carries no dt or tstop of its own.
  if ((spec as { object_type?: string })?.object_type === "Network") {
    if (args.tstop === undefined) throw new Error(`${specFile} is an hnn-core network: give --tstop (and --dt)`);
    spec = specFromHnnCoreJson(spec, args.dt ?? 0.025, args.tstop);
  } else if (args.tstop !== undefined || args.dt !== undefined) {
    throw new Error("--dt and --tstop apply to hnn-core network files; a neurosbi spec sets dt_ms and tstop_ms");
  }
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
