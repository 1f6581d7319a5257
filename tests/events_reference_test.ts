/**
 * Beta events on the pre-stimulus MEG against SpectralEvents' own `find_events` (data/fixtures/spectralevents/,
 * made by tests/reference/spectralevents_reference.py): the same events in every trial, in the same order, with
 * peak times within 2 ms (SpectralEvents' tolerance against the original MATLAB), peak frequencies and bounds equal.
 * All 200 trials of a subject go in: the threshold is a median over every trial.
 */
import assert from "node:assert/strict";
import { decodeNpyFloat64 } from "../lib/data/npy.ts";
import { detectEvents } from "../lib/events/detect.ts";
import type { SpectralEvent } from "../lib/events/events.ts";
import { join } from "node:path";
import { dataPath } from "../lib/data/paths.ts";
import { readMaybeGzip, readTextMaybeGzip } from "../lib/data/gzip.ts";

/** The recordings: subjectN_prestim.npy, float64, 200 trials × 600 samples at 600 Hz. */
const BETA_MEG = dataPath("meg", "beta");
const FIXTURE = dataPath("fixtures", "spectralevents", "beta_events_fs600_band15-29_fom6.json.gz");
const SUBJECTS = [1, 2, 7];

interface Reference {
  fields: (keyof SpectralEvent)[];
  subjects: Record<string, number[][][]>;
}

async function readReference(): Promise<Reference> {
  return JSON.parse(await readTextMaybeGzip(FIXTURE));
}

const reference = await readReference();

for (const subject of SUBJECTS) {
  Deno.test(`events: subject ${subject}'s 200 trials give SpectralEvents' events`, async () => {
    const { shape, data } = decodeNpyFloat64(await readMaybeGzip(join(BETA_MEG, `subject${subject}_prestim.npy.gz`)));
    assert.deepEqual(shape, [200, 600]);
    const ours = detectEvents({ nTrials: 200, nTimes: 600, data }, { fs: 600, band: [15, 29], thresholdFom: 6 });
    const theirs = reference.subjects[String(subject)];
    assert.deepEqual(ours.map((t) => t.length), theirs.map((t) => t.length), "events per trial");
    const field = (name: keyof SpectralEvent) => reference.fields.indexOf(name);
    let compared = 0;
    ours.forEach((trial, i) =>
      trial.forEach((event, j) => {
        const ref = theirs[i][j];
        const where = `trial ${i}, event ${j}`;
        assert.ok(Math.abs(event.peak_time_s - ref[field("peak_time_s")]) <= 0.002, `${where}: peak time`);
        for (const exact of ["peak_freq_hz", "lower_freq_hz", "upper_freq_hz", "freq_span_hz"] as const) {
          assert.equal(event[exact], ref[field(exact)], `${where}: ${exact}`);
        }
        for (const time of ["onset_s", "offset_s", "duration_s"] as const) {
          assert.ok(Math.abs(event[time] - ref[field(time)]) < 1e-6, `${where}: ${time}`);
        }
        for (const power of ["peak_power", "normalized_peak_power"] as const) {
          const rel = Math.abs(event[power] - ref[field(power)]) / ref[field(power)];
          assert.ok(rel < 1e-9, `${where}: ${power} differs by ${rel} (relative)`);
        }
        compared++;
      })
    );
    assert.ok(compared > 150, `only ${compared} events compared`);
  });
}
