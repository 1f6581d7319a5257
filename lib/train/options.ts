/** NPE training options and sbi's defaults, apart from the trainer so the CLI can show them without loading tfjs. */

export interface TrainingOptions {
  batchSize: number;
  learningRate: number;
  validationFraction: number;
  /** Stop after this many epochs without a lower validation loss. */
  stopAfterEpochs: number;
  clipMaxNorm: number;
  maxEpochs: number;
  /** Seeds the split and the minibatch order (the flow's own seed is in its config). */
  seed: number;
}

/** sbi's NPE defaults (training_batch_size 200, learning_rate 5e-4, validation_fraction 0.1, ...). */
export const DEFAULT_TRAINING: TrainingOptions = {
  batchSize: 200,
  learningRate: 5e-4,
  validationFraction: 0.1,
  stopAfterEpochs: 20,
  clipMaxNorm: 5,
  maxEpochs: 2 ** 31 - 1,
  seed: 0,
};
