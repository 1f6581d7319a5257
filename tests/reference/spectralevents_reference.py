"""Reference beta events for tests/events_reference_test.ts (a generator, not part of neurosbi's runtime or tests).

A transcription of `tfr` and `find_events` (find-method 1) with their helpers from jonescompneurolab/SpectralEvents,
`spectralevents.py` (authors Tim Bardouille and Ryan Thorpe; BSD 3-Clause licence, copyright the SpectralEvents
developers), reduced to what the fixture needs and run on the pre-stimulus MEG of data/meg/beta with the
settings of that repository's own test: fs 600 Hz, 1-60 Hz in 1 Hz steps, 7-cycle Morlet wavelets, band 15-29 Hz,
threshold 6 x the median.

    python3 tests/reference/spectralevents_reference.py data/meg/beta \
        data/fixtures/spectralevents/beta_events_fs600_band15-29_fom6.json.gz

Output (gzip JSON): {"subjects": {"1": [[event, ...] per trial], ...}, "fields": [...]} with each event a list in the
order of "fields", events in the reference's order.
"""
import gzip
import json
import sys

import numpy as np
import scipy.ndimage as ndimage
import scipy.signal as signal

FS = 600.0
FREQS = list(range(1, 61))
BAND = (15, 29)
FOM = 6.0
WIDTH = 7.0
FIELDS = ["peak_time_s", "peak_freq_hz", "lower_freq_hz", "upper_freq_hz", "freq_span_hz", "onset_s", "offset_s",
          "duration_s", "peak_power", "normalized_peak_power"]


def morlet(f, t, width):
    sf = f / width
    st = 1 / (2 * np.pi * sf)
    a = 1 / (st * np.sqrt(2 * np.pi))
    return a * np.exp(-t ** 2 / (2 * st ** 2)) * np.exp(1j * 2 * np.pi * f * t)


def energyvec(f, s, fs, width):
    dt = 1 / fs
    st = 1 / (2 * np.pi * (f / width))
    t = np.arange(0., 3.5 * st, dt)
    t = np.r_[-t[-1:0:-1], t]
    m = morlet(f, t, width)
    y = np.convolve(s, m)
    y = 2 * (dt * np.abs(y)) ** 2
    return y[len(m) // 2:len(y) - len(m) // 2]


def tfr(ts, freqs, fs, width):
    out = np.zeros((ts.shape[0], len(freqs), ts.shape[1]))
    for i in range(ts.shape[0]):
        detrended = signal.detrend(ts[i, :])
        for j, f in enumerate(freqs):
            out[i, j, :] = energyvec(f, detrended, fs, width)
    return out


def fwhm_bounds(vec, peak, value):
    half = value / 2
    below_before = np.where(vec[0:peak] < half)[0]
    below_after = np.where(vec[peak:] < half)[0]
    if len(below_before) > 0 and len(below_after) > 0:
        lower, upper = below_before[-1], below_after[0] + peak
        return lower, upper, upper - lower
    if len(below_before) > 0:
        lower = below_before[-1]
        return lower, len(vec) - 1, 2 * (peak - lower + 1)
    if len(below_after) > 0:
        upper = below_after[0] + peak
        return 0, upper, 2 * (upper - peak + 1)
    return 0, len(vec) - 1, 2 * len(vec)


def find_events(power, times, freqs, band, fom):
    n_epochs, n_freqs, n_times = power.shape
    samp_freq = (1 / np.unique(np.diff(times).round(10)))[0]
    med = np.median(np.reshape(np.transpose(power, [1, 2, 0]), (n_freqs, n_times * n_epochs)), axis=1)
    thresholds = med * fom
    events = []
    for trial in range(n_epochs):
        this = power[trial]
        data_max = ndimage.maximum_filter(this, size=(3, 3))
        maxima = this == data_max
        maxima[data_max == ndimage.minimum_filter(this, size=(3, 3))] = False
        labeled, n = ndimage.label(maxima)
        centres = ndimage.center_of_mass(this, labels=labeled, index=range(1, n + 1))
        trial_events = []
        for fc, tc in centres:
            f, t = int(round(fc)), int(round(tc))
            if band[0] <= freqs[f] <= band[1] and this[f, t] > thresholds[f]:
                p = this[f, t]
                lf, uf, wf = fwhm_bounds(this[:, t], f, p)
                lt, ut, wt = fwhm_bounds(this[f, :], t, p)
                trial_events.append([times[t], freqs[f], freqs[lf], freqs[uf], wf * (freqs[1] - freqs[0]), times[lt],
                                     times[ut], wt / samp_freq, p, p / med[f]])
        events.append([[float(v) for v in e] for e in trial_events])
    return events


def main(data_dir, out):
    subjects = {}
    for subject in range(1, 11):
        with gzip.open(f"{data_dir}/subject{subject}_prestim.npy.gz") as f:
            ts = np.load(f)
        times = np.arange(ts.shape[1]) / FS
        subjects[str(subject)] = find_events(tfr(ts, FREQS, FS, WIDTH), times, FREQS, BAND, FOM)
        print(subject, sum(len(t) for t in subjects[str(subject)]), "events", flush=True)
    meta = {"source": "jonescompneurolab/SpectralEvents spectralevents.py (tfr, find_events), BSD 3-Clause",
            "fs_hz": FS, "freqs_hz": [FREQS[0], FREQS[-1]], "band_hz": list(BAND), "threshold_fom": FOM,
            "width_cycles": WIDTH, "fields": FIELDS, "subjects": subjects}
    with gzip.open(out, "wt") as f:
        json.dump(meta, f, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
