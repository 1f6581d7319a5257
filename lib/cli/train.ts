/** `train`: fit q(θ | x) to a dataset folder and save the posterior (resuming from its checkpoint if interrupted). */
import { join } from "node:path";
import { assertWritableDir } from "../data/atomic.ts";
import { loadDataset } from "../data/dataset.ts";
import { flowConfig } from "../flows/flow.ts";
import { savePosterior } from "../posterior/io.ts";
import { Posterior } from "../posterior/posterior.ts";
import { flowCoordinates } from "../posterior/coordinates.ts";
import { useBackend } from "../tf/backend.ts";
import { clearCheckpoint } from "../train/checkpoint.ts";
import { trainNpe } from "../train/trainer.ts";
import { type NpeArgs, printEpoch, trainingOptions } from "./npe.ts";

export interface TrainArgs extends NpeArgs {
  data: string;
  out: string;
}

export const CHECKPOINT_FILE = "checkpoint.bin";

export async function trainCommand(args: TrainArgs): Promise<void> {
  const dataset = await loadDataset(args.data);
  const { manifest, theta, x } = dataset;
  if (theta.rows === 0) throw new Error(`${args.data} holds an empty dataset`);
  await assertWritableDir(args.out);
  await Deno.mkdir(args.out, { recursive: true });
  const backend = await useBackend(args.backend);
  console.error(`training ${args.flow} on ${theta.rows} pairs (θ ${theta.cols}, x ${x.cols}) on ${backend}`);
  const embedding = args.embeddingDim ? { hidden: 100, outFeatures: args.embeddingDim } : undefined;
  const config = flowConfig(args.flow, theta.cols, x.cols, { seed: args.seed, embedding });
  const checkpointPath = join(args.out, CHECKPOINT_FILE);
  // Log10-scaled parameters are learnt as their log10, so priors spanning decades standardise well.
  const coords = flowCoordinates(manifest.prior);
  const result = await trainNpe(
    { theta: coords.toFlow(theta.data), x: x.data, rows: theta.rows, thetaDim: theta.cols, xDim: x.cols },
    config,
    trainingOptions(args),
    { checkpointPath, onEpoch: printEpoch, log: (m) => console.error(m) },
  );
  const posterior = new Posterior(result.flow, coords.support);
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
  }, manifest.prior);
  await clearCheckpoint(checkpointPath);
  console.log(
    `saved posterior to ${args.out}: ${result.epochs} epochs (best ${result.bestEpoch}, validation loss ` +
      `${result.bestValidationLoss.toFixed(4)}), ${result.droppedRows} non-finite pairs dropped, ${
        result.seconds.toFixed(0)
      } s`,
  );
}
