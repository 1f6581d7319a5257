/**
 * neurosbi: GPU-native simulation-based inference for biophysically detailed neural models.
 * The public API: the benchmarks (bench/) import the library through this file only, and what a CLI command
 * (lib/cli/) calls that is of use from code is here too. How the folders fit together: docs/ARCHITECTURE.md.
 */
// GPU plumbing: the runtime, dispatch grids, one-pass dispatch lists, struct layouts declared once for WGSL and
// TypeScript (docs/gpu-kernels.md).
export { chunks, GpuRuntime, GpuUnavailableError } from "./lib/gpu/runtime.ts";
export type { AcquireOptions, AdapterSummary } from "./lib/gpu/runtime.ts";
export { checkGrid, gridFor, WORKGROUP_SIZE } from "./lib/gpu/grid.ts";
export type { Grid, GridLimits } from "./lib/gpu/grid.ts";
export { DispatchList } from "./lib/gpu/dispatch_list.ts";
export { array, struct, StructLayout } from "./lib/gpu/layout.ts";
export { kernelSource, loadKernel } from "./lib/gpu/kernels.ts";
export type { KernelSpec } from "./lib/gpu/kernels.ts";

// Priors, seeded draws, simulators and datasets.
export { Prior } from "./lib/prior/prior.ts";
export { describeParameter, PriorSchema } from "./lib/prior/schema.ts";
export type { BoxParameter, NormalParameter, ParameterSpec, Scale } from "./lib/prior/schema.ts";
export { seededUniform } from "./lib/random.ts";
export type { Uniform } from "./lib/random.ts";
export { normalMatrix, seededNormal } from "./lib/stats/normal.ts";
export type { Normal } from "./lib/stats/normal.ts";
export type { SimulateOptions, Simulator } from "./lib/models/model.ts";
export {
  canonicalModelName,
  getModel,
  isExperimentFile,
  MODEL_ALIASES,
  modelExperiment,
  modelKey,
  modelNames,
} from "./lib/experiments/models.ts";
export { RC_CONSTANTS, rcModel } from "./lib/models/rc.ts";
export { meanOverTrials, rowTrialSeed, trialMeanSimulator, trialsOf } from "./lib/models/trials.ts";
export { DATASET_FORMAT, loadDataset, planDataset, readManifest, simulateDataset } from "./lib/data/dataset.ts";
export type { Dataset, DatasetManifest, SimulateDatasetOptions, SimulatedDataset } from "./lib/data/dataset.ts";
export { decodeNpy, decodeNpyFloat64, encodeNpy } from "./lib/data/npy.ts";
export type { Matrix } from "./lib/data/npy.ts";
export { parseThetaCsv } from "./lib/data/theta_csv.ts";
export { DIPOLE_COLUMNS, parseWaveform, resampleWaveform } from "./lib/data/waveform.ts";
export type { DipoleColumn, Waveform } from "./lib/data/waveform.ts";
export { writeFileAtomic } from "./lib/data/atomic.ts";
export { writeSimulationsJson } from "./lib/data/simulations_json.ts";

// HNN: network specs (docs/hnn-spec.md), simulation, replay of hnn-core fixtures, hnn-core JSON import.
export { SpecError, validateSpec } from "./lib/hnn/spec/validate.ts";
export type { NetworkSpec, ResolvedSpec } from "./lib/hnn/spec/types.ts";
export { simulateSpec } from "./lib/hnn/simulate_spec.ts";
export { replayFixture } from "./lib/hnn/reference/replay.ts";
export type { ReplayResult } from "./lib/hnn/output/report.ts";
export { specFromHnnCoreJson } from "./lib/hnn/network/hnncore_json.ts";
export { isLegacyParams, parseParamText, specFromLegacyParams } from "./lib/hnn/network/legacy_params.ts";
export type { LegacyParams } from "./lib/hnn/network/legacy_params.ts";
export { specPrior } from "./lib/hnn/spec/validate.ts";
export { readFixture } from "./lib/hnn/reference/fixture.ts";
export type { HnnFixture } from "./lib/hnn/reference/fixture.ts";
export {
  HNN_REQUIRED_LIMITS,
  hnnBetaModel,
  hnnBetaSimulator,
  hnnErpModel,
  hnnErpSimulator,
  hnnRcModel,
  hnnRcSimulator,
  hnnSimulator,
  networksPerBatch,
} from "./lib/models/hnn.ts";

// HNN's stages one by one, for benchmarks and custom drivers (docs/hnn-gpu-layout.md): the Jones 2009 network, its
// instances, compilation, and the GPU populations, event gathers and network simulation.
export { CELL_TYPES } from "./lib/hnn/spec/types.ts";
export { erpDrives, jones2009Connections } from "./lib/hnn/network/jones2009.ts";
export { networkInstance } from "./lib/hnn/network/instance.ts";
export type { NetworkInstance } from "./lib/hnn/network/instance.ts";
export { compileNetwork } from "./lib/hnn/lowering/compile.ts";
export type { CompiledNetwork } from "./lib/hnn/lowering/compile.ts";
export { defaultSpikeCap, GpuPopulation, RECORD, spikeLogWords, uploadTables } from "./lib/hnn/gpu/cells.ts";
export { GpuEventGather } from "./lib/hnn/gpu/events.ts";
export type { LogLayout } from "./lib/hnn/gpu/events.ts";
export { bytesPerNetwork, simulateNetwork } from "./lib/hnn/gpu/simulate.ts";

// Spectral events in recorded trials and their averaged waveforms (docs/events.md).
export {
  checkDetectInput,
  DEFAULT_FREQ_RANGE,
  detectEvents,
  detectEventsGpu,
  readTrials,
} from "./lib/events/detect.ts";
export type { DetectOptions, Trials } from "./lib/events/detect.ts";
export type { SpectralEvent } from "./lib/events/events.ts";
export { BETA_TIME_BASE, eventWaveforms, findTrough, onModelTimeBase } from "./lib/events/waveforms.ts";
export type { EventWaveforms, ModelTimeBase, WaveformOptions } from "./lib/events/waveforms.ts";

// Summary statistics and diagnostics.
export { computeSummary, fitSummary } from "./lib/stats/summary.ts";
export type { FittedSummary, SummarySpec } from "./lib/stats/summary.ts";
export { smoothRowsGpu, smoothWaveform } from "./lib/stats/smooth.ts";
export { type BandRms, bandRms, smoothingGain } from "./lib/stats/bands.ts";
export { sbcCheck, sbcRanks } from "./lib/diagnostics/sbc.ts";
export { expectedCoverage, hpdLevel } from "./lib/diagnostics/coverage.ts";
export { predictiveRmse, recoveryError, unitGrid } from "./lib/diagnostics/recovery.ts";
export { overlapCoefficient } from "./lib/diagnostics/overlap.ts";
export { FIT_DEFAULTS, foldAccuracy } from "./lib/diagnostics/mlp_classifier.ts";
export { c2st } from "./lib/diagnostics/c2st.ts";

// Neural posterior estimation (docs/npe.md): flows, the trainer and its engines, the tfjs backend, posteriors.
export { ConditionalFlow, FLOW_KINDS, flowConfig } from "./lib/flows/flow.ts";
export type { FlowConfig, FlowKind } from "./lib/flows/flow.ts";
export { GpuFlow } from "./lib/flows/webgpu/gpu_flow.ts";
export { DEFAULT_TRAINING, trainNpe } from "./lib/train/trainer.ts";
export type { TrainingOptions } from "./lib/train/options.ts";
export type { EpochReport } from "./lib/train/checkpoint.ts";
export type { EngineFactory } from "./lib/train/engine.ts";
export { flowPairs } from "./lib/train/pairs.ts";
export { webgpuEngine } from "./lib/train/webgpu/engine.ts";
export { BACKEND_NAMES, useBackend } from "./lib/tf/backend.ts";
export type { BackendName } from "./lib/tf/backend.ts";
export { Posterior } from "./lib/posterior/posterior.ts";
export type { LogProbOptions, PosteriorSamples, SampleOptions } from "./lib/posterior/posterior.ts";
export { loadPosterior, savePosterior } from "./lib/posterior/io.ts";
export { formatSamplesCsv, parseNumericCsv } from "./lib/posterior/csv.ts";
export type { NumericTable } from "./lib/posterior/csv.ts";

// The sbibm benchmark tasks and their reference posteriors.
export { getTask, TASK_NAMES } from "./lib/sbibm/registry.ts";
export { gaussianLinear } from "./lib/sbibm/gaussian_linear.ts";
export { loadObservation, loadReferenceSamples, sbibmDir } from "./lib/sbibm/reference.ts";
export { simulateTask } from "./lib/sbibm/simulate.ts";
export type { SbibmTask } from "./lib/sbibm/task.ts";

// The paper's experiments (docs/experiments.md).
export { EXPERIMENT_NAMES, experimentFilePath, EXPERIMENTS, SIZES, SUMMARIES } from "./lib/experiments/configs.ts";
export type { ExperimentConfig, ExperimentName, Size } from "./lib/experiments/configs.ts";
export { EXPERIMENT_STAGES } from "./lib/experiments/types.ts";
export type { ExperimentStage } from "./lib/experiments/types.ts";
export {
  checkRecordings,
  ExperimentFileError,
  ExperimentFileSchema,
  experimentFromJson,
  loadExperimentFile,
} from "./lib/experiments/experiment_file.ts";
export { describePlan, runPlan } from "./lib/experiments/plan.ts";
export { runExperiment } from "./lib/experiments/run.ts";
export type { ExperimentOptions } from "./lib/experiments/run.ts";
export { describeRunProgress, readRunProgress } from "./lib/experiments/run_progress.ts";
export type { RunProgress } from "./lib/experiments/run_progress.ts";
export { addObservationNoise, calibrate, gridCheck, withObservationNoise } from "./lib/experiments/checks.ts";
export { loadRecording, prepareRecording, recordingAsObservation, waveformAxis } from "./lib/experiments/recordings.ts";
export type {
  PreparedRecording,
  Recording,
  RecordingProcessing,
  RecordingUnits,
  WaveformAxis,
} from "./lib/experiments/recordings.ts";
export { conditionRun, loadRunPosterior } from "./lib/experiments/condition.ts";
export { CONDITION_DEFAULTS } from "./lib/experiments/condition_options.ts";

// Fitting one recording with truncated sequential NPE (docs/fit.md): targets, the rounds, the fit folder, its export,
// and the search for a tuned θ to fit around.
export { modelTarget, simulatorTarget, taskTarget } from "./lib/fit/target.ts";
export type { FitTarget } from "./lib/fit/target.ts";
export { runFit } from "./lib/fit/tsnpe.ts";
export { densityThreshold, truncatedDraws, TRUNCATION_DEFAULTS } from "./lib/fit/truncation.ts";
export type { TruncatedDraws, TruncationOptions } from "./lib/fit/truncation.ts";
export type { FitResult, FitRun } from "./lib/fit/tsnpe.ts";
export {
  assertExperimentUnchanged,
  copyExperimentOf,
  EXPERIMENT_COPY,
  fitExperiment,
  keepExperimentCopy,
} from "./lib/fit/experiment_copy.ts";
export { checkFitFolder, readFit, readRounds, recordingScale } from "./lib/fit/records.ts";
export type { FitObservationRecord, FitRecord, FitSettings, RoundRecord } from "./lib/fit/records.ts";
export { bandLabel, exportFit, RESIDUAL_BAND_EDGES_HZ, residualByBand } from "./lib/fit/export.ts";
export { assertSearchSettings, crossEntropySearch, SEARCH_DEFAULTS } from "./lib/fit/search.ts";
export type { GenerationRecord, SearchOptions, SearchResult } from "./lib/fit/search.ts";
export type { ExportOptions as FitExportOptions, FitExport, FitExportSummary, ResidualBand } from "./lib/fit/export.ts";

// Run folders (docs/runs.md): their files, versioned records, checked reading, atomic writing, the lock; their
// figures; packing them into parts; the report server.
export { RunNotFound, RunStore } from "./lib/runs/store.ts";
export type { RunSummary } from "./lib/runs/store.ts";
export { BadRun, readRecord, requireRecord } from "./lib/runs/read.ts";
export { writeRecord, writeRecordFile } from "./lib/runs/write.ts";
export { runPath } from "./lib/runs/paths.ts";
export { readRunLock } from "./lib/runs/lock.ts";
export * as runRecords from "./lib/runs/records.ts";
export { loadRunReport, runFigures, samplesCsv } from "./lib/plots/run_figures.ts";
export { DEFAULT_PACK, packRun } from "./lib/pack/pack.ts";
export type { PackOptions } from "./lib/pack/pack.ts";
export { unpackRun } from "./lib/pack/unpack.ts";
export { copyResults } from "./lib/pack/results.ts";
export { listen } from "./lib/server/listen.ts";
export type { ListenOptions } from "./lib/server/listen.ts";

// Datasets as cluster job arrays (docs/cluster.md).
export { ENGINE_NAMES, getEngine } from "./lib/cluster/engines.ts";
export type { EngineName } from "./lib/cluster/engines.ts";
export type { ClusterEngine, Resources } from "./lib/cluster/engine.ts";
export { submitDataset } from "./lib/cluster/submit.ts";
export type { SubmitRequest } from "./lib/cluster/submit.ts";
export { clusterStatus, formatStatus, waitForDataset } from "./lib/cluster/status.ts";
export { finaliseTasks, runTask } from "./lib/cluster/worker.ts";
