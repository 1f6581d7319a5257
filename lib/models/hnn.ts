/**
 * The seed paper's two hnn-core experiments as Simulators: the ERP (four local weights of jones_2009_model) and the
 * beta event (the spreads of its two bursty drives). x is the aggregate dipole (nAm, baseline-renormalised)
 * smoothed with a 20 ms Hamming window, unscaled, at the integration step.
 */
import type { GpuRuntime } from "../gpu/runtime.ts";
import type { SimulateOptions, Simulator } from "./model.ts";
import { Prior } from "../prior/prior.ts";
import { smoothRowsGpu } from "../stats/smooth.ts";
import { type CompiledNetwork, compileNetwork } from "../hnn/lowering/compile.ts";
import { renormalizeDipole } from "../hnn/output/dipole.ts";
import { erpDrives, jones2009Connections, PAPER_ERP_RULES, paperBetaDrives } from "../hnn/network/jones2009.ts";
import { networkInstance } from "../hnn/network/instance.ts";
import { bytesPerNetwork, simulateNetwork } from "../hnn/gpu/simulate.ts";
import type { NetworkSpec, ResolvedSpec } from "../hnn/spec/types.ts";
import { validateSpec } from "../hnn/spec/validate.ts";

/** x's smoothing window (the paper's), ms. */
export const SMOOTH_WINDOW_MS = 20;
/** Device memory one batch may take; the binding limit may cap it further. */
const BATCH_MEMORY_BYTES = 2 * 2 ** 30;
/** Progress reports per batch of networks when a caller asks for progress. */
const PROGRESS_STEPS = 20;
/** Storage buffers the cell kernel binds (kernels/hnn_cells.wgsl). */
export const HNN_REQUIRED_LIMITS = { maxStorageBuffersPerShaderStage: 9 };

export interface HnnModelOptions {
  /** Integration step, ms (default 0.025). */
  dtMs?: number;
  /** Simulated time, ms (defaults: ERP 250, beta 500). */
  tstopMs?: number;
}

/** The paper's ERP network: jones2009 + three evoked drives (one drive cell each, seed 4), θ = four weights. */
export function hnnErpSpec(options: HnnModelOptions = {}): NetworkSpec {
  return {
    mesh_shape: [10, 10],
    dt_ms: options.dtMs ?? 0.025,
    tstop_ms: options.tstopMs ?? 250,
    connections: jones2009Connections(),
    drives: erpDrives({ cellSpecific: false, eventSeeds: [4, 4, 4] }),
    parameters: Object.entries(PAPER_ERP_RULES).map(([name, connection]) => ({ name, sets: [{ connection }] })),
  };
}

/** The paper's beta event: jones2009 + two bursty drives from 200 ms, θ = their burst spreads. */
export function hnnBetaSpec(options: HnnModelOptions = {}): NetworkSpec {
  return {
    mesh_shape: [10, 10],
    dt_ms: options.dtMs ?? 0.025,
    tstop_ms: options.tstopMs ?? 500,
    connections: jones2009Connections(),
    drives: paperBetaDrives(0, 0),
    parameters: [
      { name: "dist_var", sets: [{ drive: "beta_dist", field: "burst_std" }] },
      { name: "prox_var", sets: [{ drive: "beta_prox", field: "burst_std" }] },
    ],
  };
}

const erpPrior = new Prior(
  Object.keys(PAPER_ERP_RULES).map((name) => ({ name, low: 1e-5, high: 10, scale: "log10", unit: "µS" })),
);
const betaPrior = new Prior([
  { name: "dist_var", low: 0, high: 20, scale: "linear", unit: "ms" },
  { name: "prox_var", low: 0, high: 40, scale: "linear", unit: "ms" },
]);

/** How the aggregate dipole becomes x: smoothed (Hamming window, ms) then scaled, as hnn-core's `smooth`, `scale`. */
export interface DipoleProcessing {
  /** Hamming window, ms (default SMOOTH_WINDOW_MS). */
  smoothMs?: number;
  /** hnn-core's `dipole_scalefctr`: networks per recorded source (default 1, one network's nAm). */
  scale?: number;
}

/** A Simulator over a network spec whose parameters are the prior's, in order. */
export function hnnSimulator(
  name: string,
  description: string,
  prior: Prior,
  input: NetworkSpec,
  processing: DipoleProcessing = {},
): Simulator {
  const smoothMs = processing.smoothMs ?? SMOOTH_WINDOW_MS, scale = processing.scale ?? 1;
  const spec = validateSpec(input);
  const names = spec.parameters.map((p) => p.name);
  if (names.join() !== prior.names.join()) throw new Error(`${name}: spec parameters ${names}, prior ${prior.names}`);
  const samples = Math.round(spec.tstop_ms / spec.dt_ms) + 1;
  const compiled = new Map<number, CompiledNetwork>();
  const compile = (batch: number) => {
    let net = compiled.get(batch);
    if (!net) {
      compiled.clear(); // keep one: a compiled batch holds its NetCon tables
      net = compileNetwork(spec, { batch });
      compiled.set(batch, net);
    }
    return net;
  };
  return {
    name,
    description,
    prior,
    timesMs: Float64Array.from({ length: samples }, (_, i) => i * spec.dt_ms),
    xUnit: "nAm",
    dtMs: spec.dt_ms,
    smoothMs,
    requiredLimits: HNN_REQUIRED_LIMITS,
    // Recorded in dataset manifests only where they differ from the defaults, so earlier datasets still match.
    ...(smoothMs !== SMOOTH_WINDOW_MS || scale !== 1 ? { settings: { smooth_ms: smoothMs, dipole_scale: scale } } : {}),
    simulate: (runtime, theta, options) => simulateSpec(runtime, spec, compile, theta, { smoothMs, scale }, options),
  };
}

/** Networks per batch: within the binding limit for its largest buffer and BATCH_MEMORY_BYTES in all. */
export function networksPerBatch(runtime: GpuRuntime, net: CompiledNetwork): number {
  const { total, largestBinding } = bytesPerNetwork(net);
  return Math.max(
    1,
    Math.min(Math.floor(runtime.maxBindingBytes / largestBinding), Math.floor(BATCH_MEMORY_BYTES / total)),
  );
}

async function simulateSpec(
  runtime: GpuRuntime,
  spec: ResolvedSpec,
  compile: (batch: number) => CompiledNetwork,
  theta: Float32Array,
  processing: Required<DipoleProcessing>,
  options: SimulateOptions = {},
): Promise<Float32Array> {
  const d = spec.parameters.length;
  if (theta.length % d !== 0) throw new Error(`θ must have rows of ${d} values, got ${theta.length} values`);
  const n = theta.length / d, samples = Math.round(spec.tstop_ms / spec.dt_ms) + 1;
  const perBatch = Math.min(options.maxChunk ?? Infinity, networksPerBatch(runtime, compile(1)), n);
  const out = new Float32Array(n * samples);
  for (let start = 0; start < n; start += perBatch) {
    const count = Math.min(perBatch, n - start);
    const net = compile(count);
    const instances = Array.from(
      { length: count },
      (_, b) =>
        networkInstance(spec, theta.subarray((start + b) * d, (start + b + 1) * d), options.seeds?.[start + b] ?? 0),
    );
    // Progress within a batch: the fraction of its steps done, in parameter sets.
    const onSteps = (steps: number) => options.onProgress?.(start + Math.floor((count * steps) / (net.nSteps + 1)));
    // With a progress callback, about PROGRESS_STEPS submits per batch, so that a long batch reports as it goes.
    const chunkSteps = options.onProgress ? Math.ceil((net.nSteps + 1) / PROGRESS_STEPS) : undefined;
    const outputs = await simulateNetwork(runtime, net, { instances, onSteps, chunkSteps });
    const agg = new Float32Array(count * samples);
    outputs.forEach((o, b) => {
      if (o.spikeOverflow > 0) {
        // Spikes beyond the log lost their synaptic effect: no valid x (the trainer drops NaN rows).
        agg.fill(NaN, b * samples, (b + 1) * samples);
      } else {
        const dipole = renormalizeDipole(o.rawL2, o.rawL5, net.tAccum, net.nPyramidal).agg;
        for (let i = 0; i < samples; i++) agg[b * samples + i] = dipole[i] * processing.scale;
      }
    });
    out.set(await smoothRowsGpu(runtime, agg, samples, processing.smoothMs, spec.dt_ms), start * samples);
    options.onProgress?.(start + count);
  }
  return out;
}

/**
 * The HNN version of the paper's RC example: connections cleared, one proximal and one distal single-spike input to
 * the L5 pyramidal cells, at 200 ms and at 200 ms + latency; θ = the two AMPA weights and the latency. The paper
 * used hnn-core's default of one drive cell per target cell; one cell feeding all gives the same x (every drive cell
 * sits at the origin and fires at exactly mu).
 */
export function hnnRcSpec(options: HnnModelOptions = {}): NetworkSpec {
  const input = (name: string, location: "proximal" | "distal") => ({
    type: "evoked" as const,
    name,
    location,
    mu: 200,
    sigma: 0,
    numspikes: 1,
    cell_specific: false,
    n_drive_cells: 1,
    weights_ampa: { L5_pyramidal: 1e-4 },
  });
  return {
    mesh_shape: [10, 10],
    dt_ms: options.dtMs ?? 0.025,
    tstop_ms: options.tstopMs ?? 350,
    drives: [input("proximal", "proximal"), input("distal", "distal")],
    parameters: [
      { name: "prox_weight", sets: [{ drive: "proximal", weight: "ampa", target: "L5_pyramidal" }] },
      { name: "dist_weight", sets: [{ drive: "distal", weight: "ampa", target: "L5_pyramidal" }] },
      { name: "latency", sets: [{ drive: "distal", field: "mu", offset: 200 }] },
    ],
  };
}

const rcPrior = new Prior([
  { name: "prox_weight", low: 1e-4, high: 1e-3, scale: "log10", unit: "µS" },
  { name: "dist_weight", low: 1e-4, high: 1e-3, scale: "log10", unit: "µS" },
  { name: "latency", low: -75, high: 75, scale: "linear", unit: "ms" },
]);

const dtLabel = (options: HnnModelOptions) => `dt ${options.dtMs ?? 0.025} ms`;

export function hnnErpSimulator(options: HnnModelOptions = {}): Simulator {
  return hnnSimulator(
    "hnn-erp",
    `hnn-core jones_2009_model ERP (three evoked drives), θ = four local weights (µS); x = dipole smoothed 20 ms; ${
      dtLabel(options)
    }`,
    erpPrior,
    hnnErpSpec(options),
  );
}

export function hnnBetaSimulator(options: HnnModelOptions = {}): Simulator {
  return hnnSimulator(
    "hnn-beta",
    `hnn-core jones_2009_model beta event (two bursty drives), θ = burst spreads (ms); x = dipole smoothed 20 ms; ${
      dtLabel(options)
    }`,
    betaPrior,
    hnnBetaSpec(options),
  );
}

export function hnnRcSimulator(options: HnnModelOptions = {}): Simulator {
  return hnnSimulator(
    "hnn-rc",
    `HNN version of the RC example: proximal and distal inputs to L5 pyramidal cells, θ = weights (µS), latency (ms); ${
      dtLabel(options)
    }`,
    rcPrior,
    hnnRcSpec(options),
  );
}

export const hnnErpModel: Simulator = hnnErpSimulator();
export const hnnBetaModel: Simulator = hnnBetaSimulator();
export const hnnRcModel: Simulator = hnnRcSimulator();
