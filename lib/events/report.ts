/**
 * The beta-event report of one MEG subject (the events pages): event counts and rates on detected against missed
 * trials (Shin et al. 2017: beta events before a tap lower the chance it is felt), the binned event waveforms with
 * their spread, and one trial's TFR relative to the threshold with its events.
 */
import { BETA_MEG, betaSubject, pooledEventWaveforms } from "./beta_meg.ts";
import { DEFAULT_FREQ_RANGE, tfrFrequencies, tfrOptions } from "./detect.ts";
import type { SpectralEvent } from "./events.ts";
import { computeTfr } from "./tfr.ts";
import type { EventWaveforms } from "./waveforms.ts";

export interface TrialGroup {
  trials: number;
  events: number;
  /** Events per trial per second of recording. */
  rate_per_s: number;
  /** Share of trials with at least one event. */
  with_event: number;
}

export interface SubjectReport {
  subject: number;
  trials: number;
  seconds_per_trial: number;
  events: number;
  eventsPerTrial: number[];
  /** Per trial: whether the tap that followed was felt. */
  detectedTrials: boolean[];
  detected: TrialGroup;
  missed: TrialGroup;
  waveforms: EventWaveforms;
}

function group(events: SpectralEvent[][], chosen: number[], seconds: number): TrialGroup {
  const counts = chosen.map((i) => events[i].length);
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    trials: chosen.length,
    events: total,
    rate_per_s: chosen.length === 0 ? 0 : total / (chosen.length * seconds),
    with_event: chosen.length === 0 ? 0 : counts.filter((c) => c > 0).length / chosen.length,
  };
}

/** Subject `n`'s counts, rates and waveforms (the subject's analysis is cached by lib/events/beta_meg.ts). */
export async function subjectReport(n: number): Promise<SubjectReport> {
  const s = await betaSubject(n);
  const seconds = s.trials.nTimes / BETA_MEG.detect.fs;
  const indices = Array.from({ length: s.trials.nTrials }, (_, i) => i);
  return {
    subject: n,
    trials: s.trials.nTrials,
    seconds_per_trial: seconds,
    events: s.events.reduce((sum, e) => sum + e.length, 0),
    eventsPerTrial: s.events.map((e) => e.length),
    detectedTrials: Array.from(s.detected, (d) => d === 1),
    detected: group(s.events, indices.filter((i) => s.detected[i] === 1), seconds),
    missed: group(s.events, indices.filter((i) => s.detected[i] !== 1), seconds),
    waveforms: await pooledEventWaveforms([n]),
  };
}

export interface TrialTfr {
  times_s: number[];
  freqs_hz: number[];
  /** Power over its frequency's median (all trials and times): events lie above BETA_MEG.detect.thresholdFom. */
  relative: Float64Array;
  events: SpectralEvent[];
  detected: boolean;
}

/** Trial `trial` (0-based) of subject `n`: its TFR relative to the subject's medians, and its events. */
export async function trialTfr(n: number, trial: number): Promise<TrialTfr> {
  const s = await betaSubject(n);
  if (!Number.isInteger(trial) || trial < 0 || trial >= s.trials.nTrials) {
    throw new RangeError(`subject ${n} has trials 0–${s.trials.nTrials - 1}, not ${trial}`);
  }
  const { nTimes } = s.trials;
  const one = s.trials.data.subarray(trial * nTimes, (trial + 1) * nTimes);
  // Each trial's TFR depends on that trial alone: the same values as in the subject's whole TFR.
  const tfr = computeTfr(one, 1, nTimes, tfrOptions(BETA_MEG.detect));
  const relative = tfr.power.map((p, k) => p / s.medianPower[Math.floor(k / nTimes)]);
  return {
    times_s: Array.from({ length: nTimes }, (_, t) => t / BETA_MEG.detect.fs),
    freqs_hz: tfrFrequencies(BETA_MEG.detect.freqRange ?? DEFAULT_FREQ_RANGE),
    relative,
    events: s.events[trial],
    detected: s.detected[trial] === 1,
  };
}
