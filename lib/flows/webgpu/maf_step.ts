/**
 * MAF's step on WebGPU: the MADE of `maf<i>` (masked input + context layers, tanh blocks, masked output heads) as
 * dense dispatches, then one fused kernel for the affine map, its log-det and the permutation that follows it.
 */
import { madeMasks } from "../made.ts";
import type { Dispatch, GraphBuilder } from "./graph.ts";
import { NONE } from "./pipelines.ts";
import type { FlowContext, GpuStep } from "./step.ts";

export interface MafStepOptions {
  index: number;
  features: number;
  hiddenFeatures: number;
  numBlocks: number;
  /** The permutation after this step (z[:, j] = y[:, order[j]]). */
  order: readonly number[];
}

export function mafStep(b: GraphBuilder, flow: FlowContext, options: MafStepOptions): GpuStep {
  const { index, features: d, hiddenFeatures: h, numBlocks } = options;
  const masks = madeMasks(d, h, 2);
  const [inputMask, hiddenMask, outputMask] = [masks.input, masks.hidden, masks.output].map((m) => {
    const values = m.dataSync();
    m.dispose();
    return values;
  });
  const name = `maf${index}`;
  const input = b.layer(`${name}.input`, d, h, inputMask);
  const context = b.layer(`${name}.context`, flow.contextFeatures, h);
  const blocks = Array.from({ length: numBlocks }, (_, k) => b.layer(`${name}.block${k}`, h, h, hiddenMask));
  const output = b.layer(`${name}.output`, h, 2 * d, outputMask);
  const hidden = Array.from({ length: numBlocks + 1 }, () => b.rows(h));
  const made = b.rows(2 * d);
  const order = b.constant(options.order);
  const gradMade = flow.scratch("maf.gradMade", 2 * d);
  const gradHidden = [flow.scratch("maf.gradHidden0", h), flow.scratch("maf.gradHidden1", h)];
  const last = hidden[numBlocks];
  // hidden[0] is the input and context layers' sum; every later one a block's tanh.
  const blockActivation = (k: number) => (k === 0 ? "none" : "tanh");

  const madeForward = (u: number): Dispatch[] => [
    b.denseForward(input, u, hidden[0], "none"),
    b.denseForward(context, flow.context, hidden[0], "none", true),
    ...blocks.map((block, k) => b.denseForward(block, hidden[k], hidden[k + 1], "tanh")),
    b.denseForward(output, last, made, "none"),
  ];
  const affine = (entry: string, u: number, z: number, extra: number[]) =>
    b.dispatch("flow_maf", entry, [d, u, made, z, flow.logDet, order, ...extra], b.rowGroups);

  return {
    forward: (u, z, first) => [...madeForward(u), affine("maf_forward", u, z, [first ? 1 : 0])],
    backward: (u, z, gradZ, gradU, firstContextGrad) => [
      affine("maf_backward", u, z, [0, gradZ, gradU, gradMade]),
      ...b.denseBackward(output, last, blockActivation(numBlocks), gradMade, {
        offset: gradHidden[numBlocks % 2],
        accumulate: false,
      }),
      ...blocks.toReversed().flatMap((block, reversed) => {
        const k = numBlocks - 1 - reversed;
        const gradInput = { offset: gradHidden[k % 2], accumulate: false };
        return b.denseBackward(block, hidden[k], blockActivation(k), gradHidden[(k + 1) % 2], gradInput);
      }),
      ...b.denseBackward(input, u, "none", gradHidden[0], { offset: gradU, accumulate: true }),
      ...b.denseBackward(
        context,
        flow.context,
        "none",
        gradHidden[0],
        flow.gradContext === NONE ? undefined : { offset: flow.gradContext, accumulate: !firstContextGrad },
      ),
    ],
    inverse: (z, u) => [
      affine("maf_inverse", u, z, [1]),
      ...Array.from({ length: d }, () => [...madeForward(u), affine("maf_inverse", u, z, [0])]).flat(),
    ],
  };
}
