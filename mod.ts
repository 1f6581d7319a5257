/**
 * neurosbi: GPU-native simulation-based inference for biophysically detailed neural models.
 * The public API; the CLI (`lib/cli/`) and the benchmarks use nothing else but these and their modules.
 */
export { chunks, GpuRuntime, GpuUnavailableError } from "./lib/gpu/runtime.ts";
export type { AcquireOptions, AdapterSummary } from "./lib/gpu/runtime.ts";
export { Prior } from "./lib/prior.ts";
export type { ParameterSpec, Scale } from "./lib/prior.ts";
export { seededUniform } from "./lib/random.ts";
export type { Uniform } from "./lib/random.ts";
export type { SimulateOptions, Simulator } from "./lib/models/model.ts";
export { getModel, modelNames } from "./lib/models/registry.ts";
export { RC_CONSTANTS, rcModel } from "./lib/models/rc.ts";
export { DATASET_FORMAT, loadDataset, readManifest, simulateDataset } from "./lib/data/dataset.ts";
export type { Dataset, DatasetManifest, SimulateDatasetOptions } from "./lib/data/dataset.ts";
export { decodeNpy, encodeNpy } from "./lib/data/npy.ts";
export type { Matrix } from "./lib/data/npy.ts";
export { parseThetaCsv } from "./lib/data/theta_csv.ts";
