/**
 * The dispatch lists of a ConditionalFlow on WebGPU, read from the tfjs flow's own structure and parameter names so
 * both compute the same function of the same tensors: gather and z-score a batch, the optional embedding, the steps,
 * the base density and loss, the backward pass, gradient clipping and Adam.
 */
import type { ConditionalFlow } from "../flow.ts";
import { MaskedAffineAutoregressive } from "../affine_autoregressive.ts";
import { LuLinear } from "../lu_linear.ts";
import { Permutation } from "../permutation.ts";
import { SplineCoupling } from "../spline_coupling.ts";
import { type Dispatch, f32Arg, GraphBuilder, ParameterLayout, threads } from "./graph.ts";
import { mafStep } from "./maf_step.ts";
import { couplingStep, luStep } from "./nsf_step.ts";
import { type FlowPipelines, MAX_BINS, NONE } from "./pipelines.ts";
import type { FlowContext, GpuStep } from "./step.ts";

const LOG_2PI = Math.log(2 * Math.PI);

export interface OptimizerSettings {
  learningRate: number;
  clipMaxNorm: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * The step lists run after the batch is gathered: `train`, `gradients` and `sample` take the rows
 * `order[start .. start + rows)`, `evaluate` the dataset rows `start ..`.
 */
export interface FlowGraph {
  builder: GraphBuilder;
  /** Gather the batch's rows that lie in dataset rows [firstRow, firstRow + rows), z-scored. */
  gather(ordered: boolean, firstRow: number, rows: number): { dispatch: Dispatch; uniform: GPUBuffer };
  /** One training step: loss, gradients, clipping, Adam. */
  train: Dispatch[];
  /** The batch's loss and gradients, without an update. */
  gradients: Dispatch[];
  /** The loss summed over the batch (validation). */
  evaluate: Dispatch[];
  /** θ from base noise (written at `noise`) for the batch's x; z-scored θ lands at `theta`. */
  sample: Dispatch[];
  /** Offsets: per-row loss, the loss total, sampling's noise input and θ output (z-scored θ before `sample`). */
  rowLoss: number;
  lossTotal: number;
  noise: number;
  theta: number;
}

export function buildFlowGraph(
  pipelines: FlowPipelines,
  flow: ConditionalFlow,
  params: ParameterLayout,
  rowsCap: number,
  optimizer: OptimizerSettings,
): FlowGraph {
  const config = flow.config;
  const d = config.thetaDim, xd = config.xDim;
  const b = new GraphBuilder(pipelines, params, rowsCap);
  const s = flow.standardization;
  const stats = b.constant([...s.thetaMean, ...s.thetaStd, ...s.xMean, ...s.xStd]);
  const standardX = b.rows(xd);
  const zs = [b.rows(d)];
  const scratch = new Map<string, number>();

  // The embedding x → relu(L0) → relu(L1) → L2 (the tfjs Mlp's ReLUs moved onto the layers before them).
  const embedding = config.embedding;
  const embed = embedding
    ? [
      { layer: b.layer("embedding.0", xd, embedding.hidden), out: b.rows(embedding.hidden), act: "relu" as const },
      {
        layer: b.layer("embedding.1", embedding.hidden, embedding.hidden),
        out: b.rows(embedding.hidden),
        act: "relu" as const,
      },
      {
        layer: b.layer("embedding.2", embedding.hidden, embedding.outFeatures),
        out: b.rows(embedding.outFeatures),
        act: "none" as const,
      },
    ]
    : [];
  const contextFeatures = embedding ? embedding.outFeatures : xd;
  const context: FlowContext = {
    context: embedding ? embed[2].out : standardX,
    contextFeatures,
    gradContext: embedding ? b.rows(contextFeatures) : NONE,
    logDet: b.rows(1),
    scratch: (name, width) => {
      const key = `${name}×${width}`;
      if (!scratch.has(key)) scratch.set(key, b.rows(width));
      return scratch.get(key)!;
    },
  };

  const steps = gpuSteps(b, flow, context);
  for (let i = 0; i < steps.length; i++) zs.push(b.rows(d));
  const gradZ = [b.rows(d), b.rows(d)];
  const rowLoss = b.rows(1);
  const lossTotal = b.scalars(1);

  const embedForward = embed.map(({ layer, out, act }, i) =>
    b.denseForward(layer, i === 0 ? standardX : embed[i - 1].out, out, act)
  );
  const forward = [...embedForward, ...steps.flatMap((step, i) => step.forward(zs[i], zs[i + 1], i === 0))];
  const logStdSum = s.thetaStd.reduce((a, v) => a + Math.log(v), 0);
  const loss = [
    b.dispatch("flow_loss", "base_loss", [
      d,
      zs[steps.length],
      context.logDet,
      rowLoss,
      gradZ[steps.length % 2],
      f32Arg(-0.5 * d * LOG_2PI - logStdSum),
    ], b.rowGroups),
    b.dispatch("flow_loss", "sum_rows", [rowLoss, lossTotal], b.single),
  ];
  const backward = steps.toReversed().flatMap((step, reversed) => {
    const i = steps.length - 1 - reversed;
    return step.backward(zs[i], zs[i + 1], gradZ[(i + 1) % 2], gradZ[i % 2], reversed === 0);
  });
  const embedBackward = embed.toReversed().flatMap(({ layer }, reversed) => {
    const i = embed.length - 1 - reversed;
    const gradOut = i === embed.length - 1
      ? context.gradContext
      : context.scratch(`embedding.grad${i}`, layer.outFeatures);
    const gradIn = i === 0 ? undefined : {
      offset: context.scratch(`embedding.grad${i - 1}`, layer.inFeatures),
      accumulate: false,
    };
    return i === 0
      ? b.denseBackward(layer, standardX, "none", gradOut)
      : b.denseBackward(layer, embed[i - 1].out, embed[i - 1].act, gradOut, gradIn);
  });
  const update = [
    b.dispatch("flow_adam", "clip_factor", [params.count, f32Arg(optimizer.clipMaxNorm)], b.single),
    b.dispatch("flow_adam", "adam", [
      params.count,
      f32Arg(optimizer.learningRate),
      f32Arg(optimizer.beta1),
      f32Arg(optimizer.beta2),
      f32Arg(optimizer.epsilon),
    ], () => threads(params.count)),
  ];
  const gradients = [...forward, ...loss, ...backward, ...embedBackward];

  const noise = zs[steps.length];
  const inverse = steps.toReversed().flatMap((step, reversed) => {
    const i = steps.length - 1 - reversed;
    return step.inverse(zs[i + 1], zs[i]);
  });
  return {
    builder: b,
    gather: (ordered, firstRow, rows) =>
      b.ownedDispatch(
        "flow_loss",
        "gather",
        [d, xd, zs[0], standardX, stats, ordered ? 1 : 0, firstRow, rows],
        b.rowGroups,
      ),
    train: [...gradients, ...update],
    gradients,
    evaluate: [...forward, ...loss],
    sample: [...embedForward, ...inverse],
    rowLoss,
    lossTotal,
    noise,
    theta: zs[0],
  };
}

/** Whether every step of the flow has a WebGPU implementation. */
export function gpuSupports(flow: ConditionalFlow): boolean {
  return flow.config.numBins <= MAX_BINS || flow.config.kind === "maf";
}

/** The flow's steps on WebGPU, each MAF step fused with the permutation after it. */
function gpuSteps(b: GraphBuilder, flow: ConditionalFlow, context: FlowContext): GpuStep[] {
  const config = flow.config;
  const transforms = flow.transforms;
  const steps: GpuStep[] = [];
  let couplings = 0;
  for (let i = 0; i < transforms.length; i++) {
    const transform = transforms[i];
    if (transform instanceof MaskedAffineAutoregressive) {
      const permutation = transforms[i + 1];
      if (!(permutation instanceof Permutation)) throw new Error("a MAF step must be followed by a permutation");
      steps.push(mafStep(b, context, {
        index: steps.length,
        features: config.thetaDim,
        hiddenFeatures: config.hiddenFeatures,
        numBlocks: config.numBlocks,
        order: permutation.order,
      }));
      i++;
    } else if (transform instanceof SplineCoupling) {
      steps.push(couplingStep(b, context, couplings++, transform.options));
    } else if (transform instanceof LuLinear) {
      steps.push(luStep(b, context, couplings - 1, transform.features));
    } else {
      throw new Error(`the WebGPU path does not support the ${config.kind} flow's ${transform.constructor.name} yet`);
    }
  }
  return steps;
}
