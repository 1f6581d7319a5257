/** The `events` command as a user runs it: its JSON outputs, and one-line refusals that write nothing. */
import assert from "node:assert/strict";
import { seededUniform } from "../lib/random.ts";
import { cli } from "./reference/cli.ts";
import { npyFloat64 } from "./reference/npy_float64.ts";
import { join } from "node:path";
import { dataPath } from "../lib/data/paths.ts";

/** A recording the command reads: 200 trials × 600 samples at 600 Hz, float64. */
const BETA_MEG = dataPath("meg", "beta");

const dir = await Deno.makeTempDir({ prefix: "neurosbi-events-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("events cli: a subject's events and binned waveforms, as documented", async () => {
  const input = join(BETA_MEG, "subject2_prestim.npy.gz");
  const out = `${dir}/events.json`, waveforms = `${dir}/waveforms.json`;
  const args = ["--fs", "600", "--band", "15,29", "--threshold-fom", "6", "--out", out, "--waveforms", waveforms];
  const { code, stdout, stderr } = await cli("events", "--input", input, ...args, "--bins", "-100,-60,-30");
  assert.equal(code, 0, stderr);
  const { trials } = JSON.parse(await Deno.readTextFile(out));
  assert.equal(trials.length, 200);
  const n = trials.reduce((sum: number, t: unknown[]) => sum + t.length, 0);
  assert.match(stdout, new RegExp(`^${n} events in 200 trials`));
  assert.deepEqual(Object.keys(trials.flat()[0]), [
    "peak_time_s",
    "peak_freq_hz",
    "lower_freq_hz",
    "upper_freq_hz",
    "freq_span_hz",
    "onset_s",
    "offset_s",
    "duration_s",
    "peak_power",
    "normalized_peak_power",
  ]);
  const w = JSON.parse(await Deno.readTextFile(waveforms));
  assert.equal(w.counts.events, n);
  const binned = w.bins.reduce((sum: number, b: { n_events: number }) => sum + b.n_events, 0);
  assert.equal(binned + w.counts.no_trough + w.counts.at_edges + w.counts.outside_bins, n);
  for (const bin of w.bins) {
    assert.ok(bin.n_events > 0, `bin ${bin.lower_nam}…${bin.upper_nam} is empty`);
    // The average trough lies in its bin, at the segment's centre, and at 208 ms on the model's time base.
    const centre = bin.mean_nam[(bin.mean_nam.length - 1) / 2];
    assert.ok(centre >= bin.lower_nam && centre < bin.upper_nam, `${centre} nAm`);
    // At the trough every event lies inside the bin, so its spread there is at most half the bin's width.
    const spread = bin.sd_nam[(bin.sd_nam.length - 1) / 2];
    assert.ok(
      spread >= 0 && spread <= (bin.upper_nam - bin.lower_nam) / 2 * Math.sqrt(bin.n_events / (bin.n_events - 1)),
    );
    assert.equal(bin.model.times_ms.length, 200);
    const trough = bin.model.times_ms[bin.model.x.indexOf(Math.min(...bin.model.x))];
    assert.ok(Math.abs(trough - 208) <= 2, `trough at ${trough} ms`);
  }
});

Deno.test("events cli: --gpu finds the events the CPU finds", async () => {
  const u = seededUniform(4);
  const trials = Float64Array.from({ length: 10 * 600 }, (_, i) => {
    const t = (i % 600) / 600;
    return u() - 0.5 + 3 * Math.exp(-((t - 0.5) ** 2) / (2 * 0.05 ** 2)) * Math.cos(2 * Math.PI * 20 * t);
  });
  const input = `${dir}/gpu.npy`;
  await Deno.writeFile(input, npyFloat64([10, 600], trials));
  const run = async (out: string, ...extra: string[]) => {
    const { code, stderr } = await cli("events", "--input", input, "--fs", "600", "--out", out, ...extra);
    assert.equal(code, 0, stderr);
    return JSON.parse(await Deno.readTextFile(out)).trials as { peak_time_s: number; peak_freq_hz: number }[][];
  };
  const cpu = await run(`${dir}/cpu-events.json`), gpu = await run(`${dir}/gpu-events.json`, "--gpu");
  const place = (t: { peak_time_s: number; peak_freq_hz: number }[][]) =>
    t.map((events) => events.map((e) => [e.peak_time_s, e.peak_freq_hz]));
  assert.ok(cpu.flat().length >= 10, "every trial holds its burst");
  assert.deepEqual(place(gpu), place(cpu));
});

const bad: [string, () => Uint8Array | string, string[], RegExp][] = [
  ["a 1-D array", () => npyFloat64([600], new Float64Array(600)), [], /expected trials × samples \(a 2-D array\)/],
  [
    "a NaN",
    () => npyFloat64([2, 600], Float64Array.from({ length: 1200 }, (_, i) => (i === 7 ? NaN : i % 5))),
    [],
    /trial 0, sample 7 is NaN/,
  ],
  ["not a .npy file", () => "time,value\n0,1\n", [], /not a .npy file/],
  [
    "a band outside 1..fs/2",
    () => npyFloat64([1, 600], new Float64Array(600)),
    ["--band", "0,29"],
    /lies outside 1–300 Hz/,
  ],
  ["fs too low for the band", () => npyFloat64([1, 600], new Float64Array(600)), ["--fs", "50"], /fs 50 Hz is too low/],
  ["decreasing bins", () => npyFloat64([1, 600], new Float64Array(600)), ["--bins", "-30,-60"], /bin edges must be/],
  ["a segment shorter than the model's window", () => npyFloat64([1, 600], new Float64Array(600)), [
    "--segment-ms",
    "40",
  ], /the model's time base needs 138–277.5 ms/],
  ["a band of one number", () => npyFloat64([1, 600], new Float64Array(600)), ["--band", "15"], /--band takes two/],
];
for (const [label, content, extra, message] of bad) {
  Deno.test(`events cli: ${label} gives a one-line error, exit ≠ 0, and writes nothing`, async () => {
    const name = label.replaceAll(/[^a-z0-9]+/gi, "-");
    const input = `${dir}/${name}.npy`, out = `${dir}/${name}.json`, waveforms = `${dir}/${name}-w.json`;
    const bytes = content();
    if (typeof bytes === "string") await Deno.writeTextFile(input, bytes);
    else await Deno.writeFile(input, bytes);
    const options = { "--fs": "600", "--band": "15,29", "--out": out, "--waveforms": waveforms } as Record<
      string,
      string
    >;
    for (let i = 0; i < extra.length; i += 2) options[extra[i]] = extra[i + 1];
    const { code, stderr } = await cli("events", "--input", input, ...Object.entries(options).flat());
    assert.notEqual(code, 0);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    assert.equal(await exists(out), false);
    assert.equal(await exists(waveforms), false);
  });
}

Deno.test("events cli: a missing input names the file", async () => {
  const { code, stderr } = await cli("events", "--input", `${dir}/none.npy`, "--fs", "600", "--out", `${dir}/o.json`);
  assert.notEqual(code, 0);
  assert.match(stderr, /cannot read .*none\.npy/);
});
