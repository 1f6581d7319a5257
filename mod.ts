/**
 * neurosbi: GPU-native simulation-based inference for biophysically detailed neural models.
 * The public API; the CLI (`lib/cli/`) and the benchmarks use nothing else but these and their modules.
 */
export { chunks, GpuRuntime, GpuUnavailableError } from "./lib/gpu/runtime.ts";
export type { AcquireOptions, AdapterSummary } from "./lib/gpu/runtime.ts";
export { Prior } from "./lib/prior/prior.ts";
export { PriorSchema } from "./lib/prior/schema.ts";
export type { BoxParameter, NormalParameter, ParameterSpec, Scale } from "./lib/prior/schema.ts";
export { seededUniform } from "./lib/random.ts";
export type { Uniform } from "./lib/random.ts";
export type { SimulateOptions, Simulator } from "./lib/models/model.ts";
export { getModel, modelNames } from "./lib/models/registry.ts";
export { RC_CONSTANTS, rcModel } from "./lib/models/rc.ts";
export { DATASET_FORMAT, loadDataset, readManifest, simulateDataset } from "./lib/data/dataset.ts";
export type { Dataset, DatasetManifest, SimulateDatasetOptions } from "./lib/data/dataset.ts";
export { decodeNpy, decodeNpyFloat64, encodeNpy } from "./lib/data/npy.ts";
export type { Matrix } from "./lib/data/npy.ts";
export { parseThetaCsv } from "./lib/data/theta_csv.ts";
export { DIPOLE_COLUMNS, parseWaveform, resampleWaveform } from "./lib/data/waveform.ts";
export type { DipoleColumn, Waveform } from "./lib/data/waveform.ts";

// HNN: network specs (docs/hnn-spec.md), simulation, replay of hnn-core fixtures, hnn-core JSON import.
export { SpecError, validateSpec } from "./lib/hnn/spec/validate.ts";
export type { NetworkSpec, ResolvedSpec } from "./lib/hnn/spec/types.ts";
export { simulateSpec } from "./lib/hnn/simulate_spec.ts";
export { replayFixture } from "./lib/hnn/reference/replay.ts";
export type { ReplayResult } from "./lib/hnn/output/report.ts";
export { specFromHnnCoreJson } from "./lib/hnn/network/hnncore_json.ts";
export {
  hnnBetaModel,
  hnnBetaSimulator,
  hnnErpModel,
  hnnErpSimulator,
  hnnRcModel,
  hnnRcSimulator,
} from "./lib/models/hnn.ts";

// Spectral events in recorded trials and their averaged waveforms (docs/events.md).
export { checkDetectInput, detectEvents, detectEventsGpu } from "./lib/events/detect.ts";
export type { DetectOptions, Trials } from "./lib/events/detect.ts";
export type { SpectralEvent } from "./lib/events/events.ts";
export { BETA_TIME_BASE, eventWaveforms, findTrough, onModelTimeBase } from "./lib/events/waveforms.ts";
export type { EventWaveforms, ModelTimeBase, WaveformOptions } from "./lib/events/waveforms.ts";

// Summary statistics and diagnostics.
export { computeSummary, fitSummary } from "./lib/stats/summary.ts";
export type { FittedSummary, SummarySpec } from "./lib/stats/summary.ts";
export { smoothRowsGpu, smoothWaveform } from "./lib/stats/smooth.ts";
export { sbcCheck, sbcRanks } from "./lib/diagnostics/sbc.ts";
export { expectedCoverage, hpdLevel } from "./lib/diagnostics/coverage.ts";
export { predictiveRmse, recoveryError, unitGrid } from "./lib/diagnostics/recovery.ts";
export { overlapCoefficient } from "./lib/diagnostics/overlap.ts";

// Neural posterior estimation (docs/npe.md) and the paper's experiments.
export { flowConfig } from "./lib/flows/flow.ts";
export { trainNpe } from "./lib/train/trainer.ts";
export { Posterior } from "./lib/posterior/posterior.ts";
export type { LogProbOptions, PosteriorSamples, SampleOptions } from "./lib/posterior/posterior.ts";
export { loadPosterior, savePosterior } from "./lib/posterior/io.ts";
export { EXPERIMENTS } from "./lib/experiments/configs.ts";
export {
  checkRecordings,
  ExperimentFileError,
  ExperimentFileSchema,
  experimentFromJson,
  loadExperimentFile,
} from "./lib/experiments/experiment_file.ts";
export { runPlan } from "./lib/experiments/plan.ts";
export { runExperiment } from "./lib/experiments/run.ts";
export { calibrate, gridCheck, withObservationNoise } from "./lib/experiments/checks.ts";
export { loadRecording, prepareRecording, recordingAsObservation, waveformAxis } from "./lib/experiments/recordings.ts";
export type {
  PreparedRecording,
  Recording,
  RecordingProcessing,
  RecordingUnits,
  WaveformAxis,
} from "./lib/experiments/recordings.ts";
export { conditionRun, loadRunPosterior } from "./lib/experiments/condition.ts";
export { c2st } from "./lib/diagnostics/c2st.ts";
