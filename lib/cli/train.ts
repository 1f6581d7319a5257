/** `train`: fit q(θ | x) to a dataset folder and save the posterior (resuming from its checkpoint if interrupted). */
import { join } from "node:path";
import { assertWritableDir, isNewOrEmpty } from "../data/atomic.ts";
import { loadDataset, MANIFEST, readManifest, rowSeeds } from "../data/dataset.ts";
import { EXPERIMENTS } from "../experiments/configs.ts";
import { addObservationNoise } from "../experiments/checks.ts";
import { flowConfig } from "../flows/flow.ts";
import { savePosterior } from "../posterior/io.ts";
import { Posterior } from "../posterior/posterior.ts";
import { Prior } from "../prior/prior.ts";
import { useBackend } from "../tf/backend.ts";
import { clearCheckpoint } from "../train/checkpoint.ts";
import { assertTrainableManifest } from "../train/dataset_manifest.ts";
import { flowPairs } from "../train/pairs.ts";
import { trainNpe } from "../train/trainer.ts";
import { type NpeArgs, printEpoch, trainingOptions } from "./npe.ts";

export interface TrainArgs extends NpeArgs {
  data: string;
  out: string;
  /** Observation noise on x: its standard deviation, or true for the noise of the experiment of the dataset's model. */
  noise?: number | true;
}

/**
 * The half-width of the uniform noise `train --noise` adds: from its sd, or the experiment's whose model made the
 * dataset.
 */
function noiseHalfWidth(noise: number | true, model: string, data: string): number {
  if (noise !== true) return noise * Math.sqrt(3);
  const config = Object.values(EXPERIMENTS).find((c) => c.simulator(c.dtMs).name === model);
  if (!config) throw new Error(`${data} was simulated by ${model}, no shipped experiment's model: give --noise SD`);
  return config.noise;
}

export const CHECKPOINT_FILE = "checkpoint.bin";

/** --out may be new, empty or a posterior folder (trained, or with a checkpoint to resume): never another folder. */
async function assertPosteriorFolder(dir: string): Promise<void> {
  const holds = (file: string) => Deno.stat(join(dir, file)).then(() => true, () => false);
  if (await isNewOrEmpty(dir) || await holds("posterior.json") || await holds(CHECKPOINT_FILE)) return;
  throw new Error(`${dir} is not empty and holds no posterior: give a new or empty folder, or a posterior folder`);
}

export async function trainCommand(args: TrainArgs): Promise<void> {
  const listed = await readManifest(args.data);
  if (listed) assertTrainableManifest(listed, join(args.data, MANIFEST));
  const dataset = await loadDataset(args.data);
  const { manifest, theta, x } = dataset;
  if (theta.rows === 0) throw new Error(`${args.data} holds an empty dataset`);
  if (args.noise !== undefined) {
    // Each row's own seed, as the dataset drew it: the same noise an experiment's generative model adds.
    const halfWidth = noiseHalfWidth(args.noise, manifest.model, args.data);
    addObservationNoise(x.data, x.cols, halfWidth, rowSeeds(manifest.seed, manifest.n, 0, manifest.n));
    console.error(`observation noise U(±${halfWidth.toPrecision(3)}) on x`);
  }
  await assertWritableDir(args.out);
  await assertPosteriorFolder(args.out);
  await Deno.mkdir(args.out, { recursive: true });
  const backend = await useBackend(args.backend);
  console.error(`training ${args.flow} on ${theta.rows} pairs (θ ${theta.cols}, x ${x.cols}) on ${backend}`);
  const embedding = args.embeddingDim ? { hidden: 100, outFeatures: args.embeddingDim } : undefined;
  const config = flowConfig(args.flow, theta.cols, x.cols, { seed: args.seed, embedding });
  const checkpointPath = join(args.out, CHECKPOINT_FILE);
  const prior = new Prior(manifest.prior);
  const result = await trainNpe(
    flowPairs(prior, theta.data, x.data, x.cols),
    config,
    trainingOptions(args),
    { checkpointPath, onEpoch: printEpoch, log: (m) => console.error(m) },
  );
  const posterior = new Posterior(result.flow, prior);
  await savePosterior(args.out, posterior, {
    dataset: args.data,
    model: manifest.model,
    rows: theta.rows,
    dropped_nonfinite_rows: result.droppedRows,
    train_rows: result.trainRows,
    validation_rows: result.validationRows,
    epochs: result.epochs,
    best_epoch: result.bestEpoch,
    best_validation_loss: result.bestValidationLoss,
    converged: result.converged,
    seconds: result.seconds,
    backend,
    options: trainingOptions(args),
  });
  await clearCheckpoint(checkpointPath);
  console.log(
    `saved posterior to ${args.out}: ${result.epochs} epochs (best ${result.bestEpoch}, validation loss ` +
      `${result.bestValidationLoss.toFixed(4)}), ${result.droppedRows} non-finite pairs dropped, ${
        result.seconds.toFixed(0)
      } s`,
  );
}
