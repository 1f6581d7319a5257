/** `events`: spectral beta events of recorded trials (.npy, trials × samples), and optionally their waveforms. */
import { dirname, resolve } from "node:path";
import { assertWritableDir, writeFileAtomic } from "../data/atomic.ts";
import { detectEvents, detectEventsGpu, readTrials } from "../events/detect.ts";
import { GpuRuntime } from "../gpu/runtime.ts";
import { eventWaveforms, type ModelTimeBase, onModelTimeBase } from "../events/waveforms.ts";

export interface EventsArgs {
  input: string;
  fs: number;
  band: number[];
  thresholdFom: number;
  freqs: number[];
  out: string;
  gpu?: boolean;
  waveforms?: string;
  bins: number[];
  segmentMs: number;
  toNam: number;
  troughMs: number;
  modelWindow: number[];
  modelDt: number;
  scale: number;
  smoothMs: number;
}

function pair(values: number[], what: string): [number, number] {
  if (values.length !== 2) throw new Error(`${what} takes two comma-separated numbers, got ${values.join(",")}`);
  return [values[0], values[1]];
}

async function onGpu<T>(work: (runtime: GpuRuntime) => Promise<T>): Promise<T> {
  const runtime = await GpuRuntime.acquire();
  try {
    return await work(runtime);
  } finally {
    runtime.destroy();
  }
}

export async function eventsCommand(args: EventsArgs): Promise<void> {
  const band = pair(args.band, "--band"), freqRange = pair(args.freqs, "--freqs");
  const base: ModelTimeBase = {
    windowMs: pair(args.modelWindow, "--model-window"),
    dtMs: args.modelDt,
    troughMs: args.troughMs,
    scale: args.scale,
    smoothMs: args.smoothMs,
  };
  for (const out of [args.out, args.waveforms]) if (out !== undefined) await assertWritableDir(dirname(resolve(out)));
  const trials = await readTrials(args.input);
  const waveformOptions = { fs: args.fs, binEdgesNam: args.bins, toNam: args.toNam, segmentMs: args.segmentMs };
  if (args.waveforms !== undefined) {
    // Options that cannot work fail here, before the detection: bins, and a segment too short for the model's window.
    const none = eventWaveforms(trials, Array.from({ length: trials.nTrials }, () => []), waveformOptions);
    onModelTimeBase(none.segment_times_ms, none.segment_times_ms.map(() => 0), base);
  }
  const began = performance.now();
  const options = { fs: args.fs, band, thresholdFom: args.thresholdFom, freqRange };
  const events = args.gpu
    ? await onGpu((runtime) => detectEventsGpu(runtime, trials, options))
    : detectEvents(trials, options);
  const n = events.reduce((sum, trial) => sum + trial.length, 0);
  let waveformsJson: string | undefined;
  if (args.waveforms !== undefined) {
    const binned = eventWaveforms(trials, events, waveformOptions);
    const bins = binned.bins.map((bin) => ({
      ...bin,
      model: bin.mean_nam === null ? null : onModelTimeBase(binned.segment_times_ms, bin.mean_nam, base),
    }));
    const { windowMs, dtMs, troughMs, scale, smoothMs } = base;
    waveformsJson = JSON.stringify({
      input: args.input,
      fs_hz: args.fs,
      model_time_base: { window_ms: windowMs, dt_ms: dtMs, trough_ms: troughMs, scale, smooth_ms: smoothMs },
      counts: binned.counts,
      segment_times_ms: binned.segment_times_ms,
      bins,
    }) + "\n";
  }
  await writeFileAtomic(args.out, JSON.stringify({ trials: events }) + "\n");
  if (waveformsJson !== undefined && args.waveforms !== undefined) await writeFileAtomic(args.waveforms, waveformsJson);
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  console.log(
    `${n} events in ${trials.nTrials} trials (${band[0]}–${
      band[1]
    } Hz, ${args.thresholdFom} × median), ${seconds} s; ` +
      `wrote ${args.out}${args.waveforms === undefined ? "" : ` and ${args.waveforms}`}`,
  );
}
