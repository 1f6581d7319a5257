/**
 * The epoch loop of NPE training, as sbi's trainer: Adam, shuffled minibatches, gradient clipping by global norm,
 * a held-out validation set, early stopping with the best weights kept, and a checkpoint after every epoch from
 * which an interrupted run resumes exactly.
 */
import * as tf from "@tensorflow/tfjs";
import { ConditionalFlow, type FlowConfig } from "../flows/flow.ts";
import type { NamedArray } from "../flows/parameters.ts";
import { columnMoments, type Standardization } from "../flows/standardize.ts";
import { Adam } from "./adam.ts";
import { clipByGlobalNorm } from "./clip.ts";
import { type EpochReport, type LoopState, readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
import { type EngineFactory, preferredTrainingEngine, type TrainingEngine } from "./engine.ts";
import { npeLoss } from "./loss.ts";
import { DEFAULT_TRAINING, type TrainingOptions } from "./options.ts";
import { epochOrder, finiteRows, type Pairs, splitPairs } from "./pairs.ts";

export interface TrainingResult {
  flow: ConditionalFlow;
  /** Epochs run (resumed ones included) and the one whose weights were kept. */
  epochs: number;
  bestEpoch: number;
  bestValidationLoss: number;
  converged: boolean;
  history: EpochReport[];
  /** Rows dropped because θ or x held NaN or ±Inf. */
  droppedRows: number;
  trainRows: number;
  validationRows: number;
  seconds: number;
  resumedAtEpoch?: number;
}

export interface TrainingHooks {
  /** Where to write (and resume from) the checkpoint; none when omitted. */
  checkpointPath?: string;
  onEpoch?: (report: EpochReport) => void;
  log?: (message: string) => void;
  /** What runs the epochs (default: the preferred engine, else tfjs). */
  engine?: EngineFactory;
}

export async function trainNpe(
  data: Pairs,
  flowConfig: FlowConfig,
  options: TrainingOptions,
  hooks: TrainingHooks = {},
): Promise<TrainingResult> {
  if (data.rows === 0) throw new Error("the dataset is empty");
  const { pairs, dropped } = finiteRows(data);
  if (dropped > 0) hooks.log?.(`dropped ${dropped} of ${data.rows} pairs holding NaN or Inf`);
  if (pairs.rows === 0) throw new Error(`all ${data.rows} pairs hold NaN or Inf: nothing to train on`);
  const { train, validation } = splitPairs(pairs, options.validationFraction, options.seed);
  const standardization = standardizationOf(train);
  const flow = new ConditionalFlow(flowConfig, standardization);
  const factory = hooks.engine ?? preferredTrainingEngine() ?? TFJS_ENGINE;
  // A run may be resumed with another epoch limit; anything else changed means another run.
  const fingerprint = JSON.stringify({
    flowConfig,
    options: { ...options, maxEpochs: undefined },
    rows: data.rows,
    data: dataHash(data),
    engine: factory.name,
  });

  let state: LoopState = {
    epoch: 0,
    bestEpoch: 0,
    bestValidationLoss: Infinity,
    sinceImprovement: 0,
    history: [],
  };
  let best: NamedArray[] | undefined;
  const resumed = hooks.checkpointPath ? await readCheckpoint(hooks.checkpointPath, fingerprint) : undefined;
  const engine = await factory.create(flow, train, validation, options);
  const resumedAtEpoch = resumed ? resumed.state.epoch : undefined;
  try {
    if (resumed) {
      state = resumed.state;
      engine.assignWeights(resumed.current);
      best = resumed.best.length > 0 ? resumed.best : undefined;
      await engine.restoreOptimizer(resumed.adam);
      hooks.log?.(`resuming from the checkpoint after epoch ${state.epoch}`);
    }
    while (state.sinceImprovement < options.stopAfterEpochs && state.epoch < options.maxEpochs) {
      const epochBegan = performance.now();
      const trainLoss = await engine.trainEpoch(state.epoch);
      const validationLoss = await engine.validationLoss();
      state.epoch++;
      const improved = validationLoss < state.bestValidationLoss;
      if (improved) {
        state.bestValidationLoss = validationLoss;
        state.bestEpoch = state.epoch;
        state.sinceImprovement = 0;
        best = await engine.readWeights();
      } else {
        state.sinceImprovement++;
      }
      const report = {
        epoch: state.epoch,
        trainLoss,
        validationLoss,
        improved,
        seconds: (performance.now() - epochBegan) / 1000,
      };
      state.history.push(report);
      if (hooks.checkpointPath) {
        await writeCheckpoint(hooks.checkpointPath, fingerprint, {
          state,
          current: await engine.readWeights(),
          best: best ?? [],
          adam: await engine.readOptimizer(),
        });
      }
      hooks.onEpoch?.(report);
    }
  } finally {
    engine.dispose();
  }
  if (!best) throw new Error("training ended before any epoch finished");
  if (!Number.isFinite(state.bestValidationLoss)) {
    throw new Error("training diverged: the validation loss is not finite");
  }
  flow.parameters.assign(best);
  return {
    flow,
    epochs: state.epoch,
    bestEpoch: state.bestEpoch,
    bestValidationLoss: state.bestValidationLoss,
    converged: state.sinceImprovement >= options.stopAfterEpochs,
    history: state.history,
    droppedRows: dropped,
    trainRows: train.rows,
    validationRows: validation.rows,
    seconds: state.history.reduce((s, h) => s + h.seconds, 0),
    resumedAtEpoch,
  };
}

/** Training with tfjs on the flow's own variables (the reference path). */
const TFJS_ENGINE: EngineFactory = {
  create: (flow, train, validation, options) => {
    const variables = flow.parameters.variables;
    const optimizer = new Adam(variables, {
      learningRate: options.learningRate,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
    });
    const trainTheta = tf.tensor2d(train.theta, [train.rows, train.thetaDim]);
    const trainX = tf.tensor2d(train.x, [train.rows, train.xDim]);
    const validationTheta = tf.tensor2d(validation.theta, [validation.rows, validation.thetaDim]);
    const validationX = tf.tensor2d(validation.x, [validation.rows, validation.xDim]);
    const engine: TrainingEngine = {
      trainEpoch: (epoch) => runEpoch(flow, optimizer, variables, trainTheta, trainX, options, epoch),
      validationLoss: () => meanLoss(flow, validationTheta, validationX, options.batchSize * 10),
      readWeights: () => flow.parameters.read(),
      assignWeights: (weights) => flow.parameters.assign(weights),
      readOptimizer: () => optimizer.state(),
      restoreOptimizer: (state) => Promise.resolve(optimizer.restore(state)),
      dispose: () => {
        tf.dispose([trainTheta, trainX, validationTheta, validationX]);
        optimizer.dispose();
      },
    };
    return Promise.resolve(engine);
  },
};

/** One pass over the training rows in a seeded order; returns the mean training loss. */
async function runEpoch(
  flow: ConditionalFlow,
  optimizer: Adam,
  variables: tf.Variable[],
  theta: tf.Tensor2D,
  x: tf.Tensor2D,
  options: TrainingOptions,
  epoch: number,
): Promise<number> {
  const rows = theta.shape[0];
  const order = epochOrder(rows, options.seed, epoch);
  let total: tf.Tensor = tf.scalar(0);
  for (let start = 0; start < rows; start += options.batchSize) {
    const indices = tf.tensor1d(order.slice(start, start + options.batchSize), "int32");
    const batchTheta = tf.gather(theta, indices), batchX = tf.gather(x, indices);
    const { value, grads } = tf.variableGrads(() => npeLoss(flow, batchTheta, batchX), variables);
    const clipped = clipByGlobalNorm(grads, options.clipMaxNorm);
    optimizer.apply(clipped);
    const next = tf.add(total, tf.mul(value, indices.shape[0]));
    tf.dispose([total, value, indices, batchTheta, batchX, grads, clipped]);
    total = next;
  }
  const sum = (await total.data())[0];
  total.dispose();
  return sum / rows;
}

async function meanLoss(flow: ConditionalFlow, theta: tf.Tensor2D, x: tf.Tensor2D, chunk: number): Promise<number> {
  const rows = theta.shape[0];
  let sum = 0;
  for (let start = 0; start < rows; start += chunk) {
    const count = Math.min(chunk, rows - start);
    const loss = tf.tidy(() => {
      const t = tf.slice(theta, [start, 0], [count, -1]), xs = tf.slice(x, [start, 0], [count, -1]);
      return tf.mul(npeLoss(flow, t, xs), count);
    });
    sum += (await loss.data())[0];
    loss.dispose();
  }
  return sum / rows;
}

function standardizationOf(train: Pairs): Standardization {
  const theta = columnMoments(train.theta, train.rows, train.thetaDim);
  const x = columnMoments(train.x, train.rows, train.xDim);
  return { thetaMean: theta.mean, thetaStd: theta.std, xMean: x.mean, xStd: x.std };
}

/** A cheap fingerprint of the training data, so a checkpoint is only resumed on the same pairs. */
function dataHash({ theta, x }: Pairs): number {
  let hash = 0x811c9dc5;
  for (const array of [theta, x]) {
    const words = new Uint32Array(array.buffer, array.byteOffset, array.length);
    for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i], 0x01000193);
  }
  return hash >>> 0;
}

export { DEFAULT_TRAINING, type TrainingOptions };
