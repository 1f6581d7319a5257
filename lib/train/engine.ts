/**
 * The seam between the epoch loop (lib/train/trainer.ts: split, standardisation, early stopping, checkpoints) and
 * what runs an epoch: tfjs on the flow's own variables, or the fused WebGPU path on copies held by the GPU.
 */
import type { ConditionalFlow } from "../flows/flow.ts";
import type { NamedArray } from "../flows/parameters.ts";
import type { AdamState } from "./adam.ts";
import type { TrainingOptions } from "./options.ts";
import type { Pairs } from "./pairs.ts";

export interface TrainingEngine {
  /** One pass over the training rows in the seeded order of `epoch` (0-based); the mean training loss. */
  trainEpoch(epoch: number): Promise<number>;
  /** The mean loss over the validation rows. */
  validationLoss(): Promise<number>;
  /** The weights being trained, as the flow's named arrays. */
  readWeights(): Promise<NamedArray[]>;
  assignWeights(weights: readonly NamedArray[]): void;
  /** Adam's state for a checkpoint, and its restoration on resume. */
  readOptimizer(): Promise<AdamState>;
  restoreOptimizer(state: AdamState): Promise<void>;
  dispose(): void;
}

export interface EngineFactory {
  /** Part of a checkpoint's fingerprint (a run resumes only on the engine that wrote it); none for tfjs. */
  name?: string;
  create(flow: ConditionalFlow, train: Pairs, validation: Pairs, options: TrainingOptions): Promise<TrainingEngine>;
}

let preferred: EngineFactory | undefined;

/** The engine `trainNpe` uses when its caller names none (set by the backend choice); undefined: tfjs. */
export function preferTrainingEngine(factory: EngineFactory | undefined): void {
  preferred = factory;
}

export function preferredTrainingEngine(): EngineFactory | undefined {
  return preferred;
}
