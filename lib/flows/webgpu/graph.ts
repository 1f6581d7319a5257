/**
 * A step of the WebGPU flow as a fixed list of dispatches: offsets into the model's buffers are laid out once per
 * batch capacity, each dispatch gets its own argument buffer and bind group, and a step only writes the small
 * step uniform and replays the list in one compute pass.
 */
import type { NamedArray } from "../parameters.ts";
import { checkGrid, WORKGROUP_SIZE } from "../../gpu/grid.ts";
import {
  ACTIVATION,
  type Activation,
  ARG_WORDS,
  FLOW_ARGS,
  type FlowKernelFile,
  type FlowPipelines,
  NONE,
  ROW_BLOCK,
} from "./pipelines.ts";

export interface Dispatch {
  pipeline: GPUComputePipeline;
  args: GPUBindGroup;
  /** Workgroups for a step of `rows` rows (only as many as the rows need). */
  groups: (rows: number) => [number, number];
}

type Groups = Dispatch["groups"];

/** Workgroups along x for one thread per item. */
export function threads(items: number): [number, number] {
  return [Math.ceil(items / WORKGROUP_SIZE), 1];
}

/** A float argument, carried bit for bit in a u32 slot. */
export function f32Arg(value: number): number {
  return new Uint32Array(new Float32Array([value]).buffer)[0];
}

/** Where each named parameter (and its gradient) sits in the flat parameter buffer, in the store's order. */
export class ParameterLayout {
  readonly #entries = new Map<string, { offset: number; shape: number[] }>();
  readonly names: string[] = [];
  readonly count: number;

  constructor(arrays: readonly NamedArray[]) {
    let offset = 0;
    for (const { name, shape, data } of arrays) {
      this.#entries.set(name, { offset, shape: shape.slice() });
      this.names.push(name);
      offset += data.length;
    }
    this.count = offset;
  }

  offset(name: string): number {
    const entry = this.#entries.get(name);
    if (!entry) throw new Error(`the flow has no parameter ${name}`);
    return entry.offset;
  }

  /** All parameters as one flat array (the order the offsets describe); names and sizes must match. */
  flatten(arrays: readonly NamedArray[]): Float32Array {
    const flat = new Float32Array(this.count);
    arrays.forEach(({ name, shape, data }) => {
      const entry = this.#entries.get(name);
      if (!entry || entry.shape.join("×") !== shape.join("×") || data.length !== shape.reduce((a, b) => a * b, 1)) {
        throw new Error(`${name} [${shape}] does not fit this flow's parameters`);
      }
      flat.set(data, entry.offset);
    });
    return flat;
  }

  /** The flat buffer's contents split back into named arrays. */
  split(flat: Float32Array): NamedArray[] {
    return this.names.map((name) => {
      const { offset, shape } = this.#entries.get(name)!;
      const size = shape.reduce((a, b) => a * b, 1);
      return { name, shape: shape.slice(), data: flat.slice(offset, offset + size) };
    });
  }
}

/** A dense layer's parameters: W [in, out] (optionally masked) and b [out] (NONE: no bias). */
export interface DenseLayer {
  inFeatures: number;
  outFeatures: number;
  weight: number;
  bias: number;
  mask?: number;
  /** A ReLU applied to x on the way in (the one in front of a residual block's first layer). */
  reluInput?: boolean;
}

export class GraphBuilder {
  #arena = 0;
  #partialFloats = 0;
  readonly #consts: number[] = [];
  readonly #argBuffers: GPUBuffer[] = [];

  constructor(
    readonly pipelines: FlowPipelines,
    readonly params: ParameterLayout,
    /** The most rows one step handles. */
    readonly rowsCap: number,
  ) {}

  /** Space for `width` floats per row. */
  rows(width: number): number {
    return this.scalars(this.rowsCap * width);
  }

  /** Space for `count` floats. */
  scalars(count: number): number {
    const offset = this.#arena;
    this.#arena += Math.max(1, count);
    return offset;
  }

  get arenaFloats(): number {
    return this.#arena;
  }

  /** Where weight gradients' partial sums go in the moments buffer: after Adam's m, v and the clipping factor. */
  get #partials(): number {
    return 2 * this.params.count + 1;
  }

  /** Floats of partial sums the moments buffer must hold beyond Adam's state. */
  get partialFloats(): number {
    return this.#partialFloats;
  }

  /** Constant data (masks, permutations, standardisation); returns its offset. */
  constant(values: ArrayLike<number>): number {
    const offset = this.#consts.length;
    for (let i = 0; i < values.length; i++) this.#consts.push(values[i]);
    return offset;
  }

  get consts(): Float32Array {
    return Float32Array.from(this.#consts.length > 0 ? this.#consts : [0]);
  }

  /** One dispatch of `entry` with `args` (u32s; floats through f32Arg). */
  dispatch(file: FlowKernelFile, entry: string, args: number[], groups: Groups): Dispatch {
    const { dispatch, argBuffer } = this.ownedDispatch(file, entry, args, groups);
    this.#argBuffers.push(argBuffer);
    return dispatch;
  }

  /** A dispatch whose argument buffer the caller destroys (one made per dataset). */
  ownedDispatch(
    file: FlowKernelFile,
    entry: string,
    args: number[],
    groups: Groups,
  ): { dispatch: Dispatch; argBuffer: GPUBuffer } {
    if (args.length > ARG_WORDS) throw new Error(`${entry}: too many arguments`);
    const runtime = this.pipelines.runtime;
    checkGrid(
      runtime.device.limits,
      groups(this.rowsCap),
      (most, limit) =>
        `${entry} would need ${most} workgroups for ${this.rowsCap} rows, over this adapter's ${limit}: ` +
        `use a smaller batch`,
    );
    const words = new Array<number>(ARG_WORDS).fill(0);
    args.forEach((value, i) => {
      if (!Number.isInteger(value) || value < 0 || value > NONE) throw new Error(`${entry}: bad argument ${value}`);
      words[i] = value;
    });
    const argBuffer = runtime.storage(FLOW_ARGS.pack({ a: words }));
    const bindGroup = runtime.device.createBindGroup({
      layout: this.pipelines.argsLayout,
      entries: [{ binding: 0, resource: { buffer: argBuffer } }],
    });
    return { dispatch: { pipeline: this.pipelines.get(file, entry), args: bindGroup, groups }, argBuffer };
  }

  /** One thread per row. */
  readonly rowGroups: Groups = (rows) => threads(rows);

  /** One workgroup, whatever the rows. */
  readonly single: Groups = () => [1, 1];

  /** y = act(x (W ⊙ M) + b), added to y's contents when `accumulate`. */
  denseForward(layer: DenseLayer, x: number, y: number, activation: Activation, accumulate = false): Dispatch {
    const args = this.#denseArgs(layer, x, y, activation, accumulate);
    return this.dispatch("flow_dense", "forward", args, (rows) => threads(this.#denseTiles(rows, layer.outFeatures)));
  }

  /**
   * The layer's parameter gradients from dL/d(pre-activation of y), and dL/d(pre-activation of x) when
   * `gradInput` is given (`xActivation` produced x; added to what is there when `accumulate`).
   */
  denseBackward(
    layer: DenseLayer,
    x: number,
    xActivation: Activation,
    gradOutput: number,
    gradInput?: { offset: number; accumulate: boolean },
  ): Dispatch[] {
    const args = this.#denseArgs(layer, x, NONE, "none", gradInput?.accumulate ?? false).slice(0, 9);
    args.push(
      gradOutput,
      gradInput?.offset ?? NONE,
      layer.weight,
      layer.bias,
      ACTIVATION[xActivation],
      layer.reluInput ? 1 : 0,
    );
    // Batches over ROW_BLOCK rows sum the weight gradients in blocks (flow_dense.wgsl); the other kernels get no
    // workgroups for that step.
    const count = (layer.inFeatures + 1) * layer.outFeatures;
    const blocks = Math.ceil(this.rowsCap / ROW_BLOCK);
    const partials = this.#partials;
    this.#partialFloats = Math.max(this.#partialFloats, blocks * count);
    args.push(partials);
    const tiles = Math.ceil((layer.inFeatures + 1) / 4) * Math.ceil(layer.outFeatures / 4);
    const direct = (rows: number) => threads(rows <= ROW_BLOCK ? tiles : 0);
    const reduce = (rows: number) => threads(rows > ROW_BLOCK ? count : 0);
    const split = (rows: number): [number, number] => [
      threads(rows > ROW_BLOCK ? tiles : 0)[0],
      Math.ceil(rows / ROW_BLOCK),
    ];
    const out = [
      this.dispatch("flow_dense", "backward_weight", args, direct),
      ...(blocks > 1
        ? [
          this.dispatch("flow_dense", "backward_weight_blocks", args, split),
          this.dispatch("flow_dense", "backward_weight_reduce", args, reduce),
        ]
        : []),
    ];
    if (gradInput) {
      out.push(
        this.dispatch(
          "flow_dense",
          "backward_input",
          args,
          (rows) => threads(this.#denseTiles(rows, layer.inFeatures)),
        ),
      );
    }
    return out;
  }

  /** The layer named `name` (`<name>.weight`, `<name>.bias`) of the parameter layout. */
  layer(name: string, inFeatures: number, outFeatures: number, mask?: ArrayLike<number>): DenseLayer {
    return {
      inFeatures,
      outFeatures,
      weight: this.params.offset(`${name}.weight`),
      bias: this.params.offset(`${name}.bias`),
      mask: mask ? this.constant(mask) : undefined,
    };
  }

  destroy(): void {
    for (const buffer of this.#argBuffers) buffer.destroy();
  }

  /** Threads of a tiled dense kernel over `rows` rows × `columns` (flow_dense.wgsl: TILE_ROWS × 4 per thread). */
  #denseTiles(rows: number, columns: number): number {
    return Math.ceil(rows / this.pipelines.tileRows) * Math.ceil(columns / 4);
  }

  #denseArgs(layer: DenseLayer, x: number, y: number, activation: Activation, accumulate: boolean): number[] {
    const args = [
      layer.inFeatures,
      layer.outFeatures,
      ACTIVATION[activation],
      x,
      y,
      layer.weight,
      layer.bias,
      layer.mask ?? NONE,
      accumulate ? 1 : 0,
    ];
    // The backward arguments 9–13 follow in denseBackward; the forward pass reads only the input activation.
    while (args.length < 14) args.push(NONE);
    args.push(layer.reluInput ? 1 : 0);
    return args;
  }
}
