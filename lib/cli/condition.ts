/** `condition`: a finished run's posterior conditioned on a recorded waveform, written as an observation record. */
import { basename } from "node:path";
import { assertWritableFile } from "../data/atomic.ts";
import { type DipoleColumn, parseWaveform } from "../data/waveform.ts";
import { conditionRun, loadRunPosterior } from "../experiments/condition.ts";
import { prepareRecording, type RecordingProcessing } from "../experiments/recordings.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { observationRecord } from "../runs/records.ts";
import { writeRecordFile } from "../runs/write.ts";
import { type BackendName, useBackend } from "../tf/backend.ts";
import { readInputFile } from "./read_input.ts";

export interface ConditionArgs {
  run: string;
  waveform: string;
  out: string;
  samples: number;
  predictiveSims: number;
  seed: number;
  backend: BackendName;
  column: DipoleColumn;
  /** Unset: the run's experiment's. */
  scale?: number;
  smoothMs?: number;
  offsetMs?: number;
  baseline?: [number, number];
}

export async function conditionCommand(args: ConditionArgs): Promise<void> {
  const text = await readInputFile(args.waveform);
  const waveform = parseWaveform(text, args.waveform, args.column);
  await assertWritableFile(args.out);
  await useBackend(args.backend);
  const run = await loadRunPosterior(args.run);
  const processing: RecordingProcessing = {
    scale: args.scale ?? run.units.scale,
    smoothMs: args.smoothMs ?? run.units.smoothMs,
    offsetMs: args.offsetMs,
    baselineMs: args.baseline,
  };
  let prepared;
  try {
    prepared = prepareRecording(waveform, run.simulator, processing, args.waveform);
  } catch (error) {
    run.posterior.dispose();
    throw error;
  }
  if (prepared.cut) console.log(prepared.cut);
  const runtime = await GpuRuntime.acquire({ requiredLimits: run.simulator.requiredLimits });
  try {
    const result = await conditionRun(runtime, run, prepared.x, args.waveform, args, undefined, processing);
    const recording = {
      path: args.waveform,
      column: args.column,
      scale: processing.scale,
      smoothing_ms: processing.smoothMs,
      offset_ms: processing.offsetMs ?? 0,
      baseline_ms: processing.baselineMs ?? null,
    };
    // The run's own observation records have this format: the report and compare read either alike.
    await writeRecordFile(args.out, observationRecord(basename(args.out, ".json")), { ...result, recording });
    console.log(
      `wrote ${args.samples} posterior samples and predictive bands to ${args.out} ` +
        `(acceptance into the prior's support ${(100 * result.acceptance_rate).toFixed(1)}%)`,
    );
  } finally {
    run.posterior.dispose();
    runtime.destroy();
  }
}
