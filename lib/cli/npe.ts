/** What `train` and `sbibm` share: the training flags and a per-epoch progress line. */
import { type FlowKind } from "../flows/flow.ts";
import type { BackendName } from "../tf/backend.ts";
import type { EpochReport } from "../train/checkpoint.ts";
import { DEFAULT_TRAINING, type TrainingOptions } from "../train/trainer.ts";

export interface NpeArgs {
  flow: FlowKind;
  batchSize: number;
  maxEpochs?: number;
  seed: number;
  backend: BackendName;
  embeddingDim?: number;
}

export function trainingOptions(args: NpeArgs): TrainingOptions {
  return {
    ...DEFAULT_TRAINING,
    batchSize: args.batchSize,
    maxEpochs: args.maxEpochs ?? DEFAULT_TRAINING.maxEpochs,
    seed: args.seed,
  };
}

/** One line per epoch on stderr, so stdout stays for results. */
export function printEpoch(report: EpochReport): void {
  const mark = report.improved ? " *" : "";
  console.error(
    `epoch ${String(report.epoch).padStart(4)}  train ${report.trainLoss.toFixed(4)}  ` +
      `validation ${report.validationLoss.toFixed(4)}  ${report.seconds.toFixed(1)} s${mark}`,
  );
}
