/**
 * The pre-stimulus MEG of data/meg/beta (Shin et al. 2017) analysed as the seed paper's Figure 7 uses it: per subject
 * the trials, which taps were detected and the beta events (Shin et al.'s settings); the events' trough-aligned
 * waveforms of one subject or of several pooled, in bins of trough amplitude, as observations of the beta model.
 * A subject is read and analysed once per process (about 3 s).
 */
import { join } from "node:path";
import { readNpy } from "../data/npy.ts";
import { dataPath } from "../data/paths.ts";
import type { Simulator } from "../models/model.ts";
import { detectEventsWithTfr, type DetectOptions, readTrials, type Trials } from "./detect.ts";
import { medianPowers, type SpectralEvent } from "./events.ts";
import { type EventWaveforms, eventWaveforms, type ModelTimeBase, onModelTimeBase } from "./waveforms.ts";

/** Shin et al.'s detection on these recordings: 600 Hz, 15–29 Hz, 6 × the median power; A·m ×1e9 = nAm. */
export const BETA_MEG = {
  subjects: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as readonly number[],
  detect: { fs: 600, band: [15, 29], thresholdFom: 6 } as DetectOptions,
  toNam: 1e9,
  /** Each event's segment, ms either side of its trough (the model's 100 ms window plus its smoothing). */
  segmentMs: 100,
  /** Trough amplitude bins, nAm: the deeper events, then the shallower ones. */
  binEdgesNam: [-100, -60, -30] as readonly number[],
} as const;

export interface BetaSubject {
  subject: number;
  trials: Trials;
  /** Per trial: 1 where the tap that followed was felt. */
  detected: Uint8Array;
  events: SpectralEvent[][];
  /** Per TFR frequency, the median power over all trials and times (the threshold is a factor of it). */
  medianPower: Float64Array;
}

const subjects = new Map<string, Promise<BetaSubject>>();

/** Subject `n`'s trials, detections and events, from `dir` (the data folder's meg/beta by default). */
export function betaSubject(n: number, dir = dataPath("meg", "beta")): Promise<BetaSubject> {
  if (!BETA_MEG.subjects.includes(n)) throw new Error(`no beta MEG subject ${n} (subjects 1–10)`);
  const key = join(dir, String(n));
  let found = subjects.get(key);
  if (!found) {
    found = readSubject(n, dir);
    // A failed read is not kept: the next request tries again.
    found.catch(() => subjects.delete(key));
    subjects.set(key, found);
  }
  return found;
}

async function readSubject(n: number, dir: string): Promise<BetaSubject> {
  const trials = await readTrials(join(dir, `subject${n}_prestim.npy.gz`));
  const detectedPath = join(dir, `subject${n}_detected.npy`);
  const detected = await readNpy(detectedPath);
  if (!(detected.data instanceof Uint8Array) || detected.data.length !== trials.nTrials) {
    throw new Error(
      `${detectedPath}: expected ${trials.nTrials} bytes (one per trial), found ${detected.dtype} ` +
        `of shape (${detected.shape.join(", ")})`,
    );
  }
  // The TFR (57 MB) is not kept: a trial's own is quick to recompute (lib/events/report.ts).
  const { tfr, events } = detectEventsWithTfr(trials, BETA_MEG.detect);
  return { subject: n, trials, detected: detected.data, events, medianPower: medianPowers(tfr) };
}

/** The binned event waveforms of these subjects' trials pooled (each subject's events found with its own threshold). */
export async function pooledEventWaveforms(subjectNumbers: readonly number[], dir?: string): Promise<EventWaveforms> {
  const all = await Promise.all(subjectNumbers.map((n) => betaSubject(n, dir)));
  const nTimes = all[0].trials.nTimes;
  const data = new Float64Array(all.reduce((sum, s) => sum + s.trials.data.length, 0));
  let offset = 0;
  for (const s of all) {
    if (s.trials.nTimes !== nTimes) throw new Error(`subject ${s.subject}: trials of ${s.trials.nTimes} samples`);
    data.set(s.trials.data, offset);
    offset += s.trials.data.length;
  }
  const trials = { nTrials: data.length / nTimes, nTimes, data };
  return eventWaveforms(trials, all.flatMap((s) => s.events), {
    fs: BETA_MEG.detect.fs,
    binEdgesNam: BETA_MEG.binEdgesNam,
    toNam: BETA_MEG.toNam,
    segmentMs: BETA_MEG.segmentMs,
  });
}

/** Where the model's trough goes and how its x relates to the recording (the seed paper: ÷ 60,000, 20 ms Hamming). */
export interface EventPlacement {
  troughMs: number;
  scale: number;
  smoothMs: number;
}

/** One amplitude bin of these subjects' pooled event waveforms as an x of `model` (its window and step). */
export async function eventObservation(
  subjectNumbers: readonly number[],
  bin: number,
  model: Simulator,
  placement: EventPlacement,
): Promise<{ x: Float32Array; nEvents: number }> {
  const binned = await pooledEventWaveforms(subjectNumbers);
  const found = binned.bins[bin];
  if (!found) throw new Error(`no trough amplitude bin ${bin} (${binned.bins.length} bins)`);
  if (found.mean_nam === null) {
    throw new Error(`subjects ${subjectNumbers.join(", ")}: no event in ${found.lower_nam}…${found.upper_nam} nAm`);
  }
  const from = model.timesMs[0];
  const base: ModelTimeBase = {
    windowMs: [from, from + model.timesMs.length * model.dtMs],
    dtMs: model.dtMs,
    ...placement,
  };
  const { x } = onModelTimeBase(binned.segment_times_ms, found.mean_nam, base);
  return { x: Float32Array.from(x), nEvents: found.n_events };
}
