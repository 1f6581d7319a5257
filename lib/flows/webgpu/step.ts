/** What a flow step contributes to the WebGPU graph, and what the graph shares with its steps. */
import type { Dispatch } from "./graph.ts";

export interface FlowContext {
  /** Offset of the context each step is conditioned on (z-scored x, or the embedding's output). */
  context: number;
  contextFeatures: number;
  /** Offset of dL/dcontext when an embedding learns from it, else NONE. */
  gradContext: number;
  /** Offset of the per-row log-det sum. */
  logDet: number;
  /** Row-sized scratch shared by steps (backward temporaries), allocated once per name and width. */
  scratch(name: string, width: number): number;
}

export interface GpuStep {
  /** input → output (rows × θ dim each); writes the log-det when `first`, else adds to it. */
  forward(input: number, output: number, first: boolean): Dispatch[];
  /**
   * From dL/doutput to dL/dinput (written), every parameter gradient of the step (written), and dL/dcontext
   * (written when `firstContextGrad`, else added). Needs the forward pass's activations.
   */
  backward(input: number, output: number, gradOutput: number, gradInput: number, firstContextGrad: boolean): Dispatch[];
  /** output → input (sampling); may overwrite the step's activations. */
  inverse(output: number, input: number): Dispatch[];
}
