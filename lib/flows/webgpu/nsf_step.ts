/**
 * NSF's steps on WebGPU: the spline coupling `nsf<i>` (its ResidualNet as dense dispatches and a gate kernel, the
 * rational-quadratic spline and its backward pass as one kernel each) and the LU linear layer `lu<i>` after it.
 */
import type { SplineCouplingOptions } from "../spline_coupling.ts";
import { type DenseLayer, type Dispatch, f32Arg, type GraphBuilder, threads } from "./graph.ts";
import { MAX_BINS, NONE } from "./pipelines.ts";
import type { FlowContext, GpuStep } from "./step.ts";

export function couplingStep(
  b: GraphBuilder,
  flow: FlowContext,
  index: number,
  options: SplineCouplingOptions,
): GpuStep {
  const { features: d, hiddenFeatures: h, numBlocks, numBins: bins, tailBound } = options;
  if (bins < 2 || bins > MAX_BINS) throw new Error(`the WebGPU spline takes 2 to ${MAX_BINS} bins, not ${bins}`);
  const transformed: number[] = [], identity: number[] = [];
  for (let i = 0; i < d; i++) ((d === 1 || (i % 2 === 0) === options.transformEven) ? transformed : identity).push(i);
  const nI = identity.length, nT = transformed.length, perFeature = 3 * bins - 1;
  const name = `nsf${index}`;
  const c = flow.contextFeatures;
  const initial = b.layer(`${name}.initial`, nI + c, h);
  // The initial layer reads [identity columns, context]: its weight rows split in two, the bias added once.
  const initialIdentity: DenseLayer = { ...initial, inFeatures: nI };
  const initialContext: DenseLayer = {
    ...initial,
    inFeatures: c,
    weight: initial.weight + nI * h,
    bias: nI > 0 ? NONE : initial.bias,
  };
  const blocks = Array.from({ length: numBlocks }, (_, k) => ({
    first: { ...b.layer(`${name}.block${k}.first`, h, h), reluInput: true },
    second: b.layer(`${name}.block${k}.second`, h, h),
    gate: b.layer(`${name}.block${k}.gate`, c, h),
    relu: b.rows(h),
    update: b.rows(h),
    gateValue: b.rows(h),
  }));
  const final = b.layer(`${name}.final`, h, nT * perFeature);
  const identityColumns = b.rows(Math.max(1, nI));
  const hidden = Array.from({ length: numBlocks + 1 }, () => b.rows(h));
  const splineParams = b.rows(nT * perFeature);
  const transformedList = b.constant(transformed), identityList = b.constant(identity.length ? identity : [0]);
  const gradIdentity = flow.scratch("nsf.gradIdentity", Math.max(1, nI));
  const gradHidden = [flow.scratch("nsf.gradHidden0", h), flow.scratch("nsf.gradHidden1", h)];
  const gradUpdate = flow.scratch("nsf.gradUpdate", h), gradGate = flow.scratch("nsf.gradGate", h);
  const gradRelu = flow.scratch("nsf.gradRelu", h);
  const gradParams = flow.scratch("nsf.gradParams", nT * perFeature);

  const couplingArgs = (zIn: number, zOut: number, first: boolean, gradOut = NONE, gradIn = NONE) => [
    d,
    zIn,
    zOut,
    splineParams,
    flow.logDet,
    bins,
    f32Arg(tailBound),
    // nflows scales the width and height logits by 1/√hidden (SplineCoupling's #scale).
    f32Arg(1 / Math.sqrt(h)),
    transformedList,
    nT,
    identityList,
    nI,
    first ? 1 : 0,
    identityColumns,
    gradOut,
    gradIn,
    gradParams,
  ];
  const conditioner = (zSource: number): Dispatch[] => [
    ...(nI > 0
      ? [
        b.dispatch("flow_nsf", "coupling_split", couplingArgs(zSource, NONE, false), b.rowGroups),
        b.denseForward(initialIdentity, identityColumns, hidden[0], "none"),
      ]
      : []),
    b.denseForward(initialContext, flow.context, hidden[0], "none", nI > 0),
    ...blocks.flatMap((block, k) => [
      b.denseForward(block.first, hidden[k], block.relu, "relu"),
      b.denseForward(block.second, block.relu, block.update, "none"),
      b.denseForward(block.gate, flow.context, block.gateValue, "sigmoid"),
      b.dispatch("flow_nsf", "gate_forward", [h, hidden[k], block.update, block.gateValue, hidden[k + 1]], elements(h)),
    ]),
    b.denseForward(final, hidden[numBlocks], splineParams, "none"),
  ];
  const elements = (width: number) => (rows: number) => threads(rows * width);

  return {
    forward: (zIn, zOut, first) => [
      ...conditioner(zIn),
      b.dispatch("flow_nsf", "spline_forward", couplingArgs(zIn, zOut, first), b.rowGroups),
    ],
    backward: (zIn, zOut, gradOut, gradIn, firstContextGrad) => {
      let contextFirst = firstContextGrad;
      const contextGrad = () => {
        if (flow.gradContext === NONE) return undefined;
        const target = { offset: flow.gradContext, accumulate: !contextFirst };
        contextFirst = false;
        return target;
      };
      const args = couplingArgs(zIn, zOut, false, gradOut, gradIn);
      const out = [
        b.dispatch("flow_nsf", "spline_backward", args, b.rowGroups),
        ...b.denseBackward(final, hidden[numBlocks], "none", gradParams, {
          offset: gradHidden[numBlocks % 2],
          accumulate: false,
        }),
      ];
      for (let k = numBlocks - 1; k >= 0; k--) {
        const block = blocks[k];
        out.push(
          b.dispatch("flow_nsf", "gate_backward", [
            h,
            hidden[k],
            block.update,
            block.gateValue,
            hidden[k + 1],
            gradHidden[(k + 1) % 2],
            gradUpdate,
            gradGate,
            gradHidden[k % 2],
          ], elements(h)),
          ...b.denseBackward(block.second, block.relu, "relu", gradUpdate, { offset: gradRelu, accumulate: false }),
          ...b.denseBackward(block.first, hidden[k], "relu", gradRelu, { offset: gradHidden[k % 2], accumulate: true }),
          ...b.denseBackward(block.gate, flow.context, "none", gradGate, contextGrad()),
        );
      }
      if (nI > 0) {
        out.push(
          ...b.denseBackward(initialIdentity, identityColumns, "none", gradHidden[0], {
            offset: gradIdentity,
            accumulate: false,
          }),
        );
      }
      out.push(...b.denseBackward(initialContext, flow.context, "none", gradHidden[0], contextGrad()));
      if (nI > 0) {
        const merge = couplingArgs(zIn, zOut, false, gradOut, gradIn);
        merge[13] = gradIdentity;
        out.push(b.dispatch("flow_nsf", "coupling_merge", merge, b.rowGroups));
      }
      return out;
    },
    inverse: (zOut, zIn) => [
      ...conditioner(zOut),
      b.dispatch("flow_nsf", "spline_inverse", couplingArgs(zIn, zOut, false), b.rowGroups),
    ],
  };
}

/** nflows' LULinear `lu<index>` over d features. */
export function luStep(b: GraphBuilder, flow: FlowContext, index: number, d: number): GpuStep {
  const name = `lu${index}`;
  const [lower, upper, diagonal, bias] = ["lower", "upper", "diagonal", "bias"].map((p) =>
    b.params.offset(`${name}.${p}`)
  );
  const weight = b.scalars(d * d + 1);
  const gradWeight = b.scalars(d * d);
  const args = (x: number, y: number, gradOut = NONE, gradIn = NONE) => [
    d,
    lower,
    upper,
    diagonal,
    bias,
    weight,
    x,
    y,
    flow.logDet,
    gradOut,
    gradIn,
    gradWeight,
    lower,
    upper,
    diagonal,
    bias,
  ];
  const single = (): [number, number] => [1, 1];
  return {
    forward: (x, y) => [
      b.dispatch("flow_nsf", "lu_weight", args(x, y), single),
      b.dispatch("flow_nsf", "lu_forward", args(x, y), b.rowGroups),
    ],
    backward: (x, y, gradOut, gradIn) => [
      b.dispatch("flow_nsf", "lu_backward_input", args(x, y, gradOut, gradIn), b.rowGroups),
      b.dispatch("flow_nsf", "lu_backward_weight", args(x, y, gradOut, gradIn), () => threads((d + 1) * d)),
      b.dispatch("flow_nsf", "lu_factor_grads", args(x, y, gradOut, gradIn), single),
    ],
    inverse: (y, x) => [b.dispatch("flow_nsf", "lu_inverse", args(x, y), b.rowGroups)],
  };
}
