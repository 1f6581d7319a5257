/**
 * `condition` as a user runs it on a recording of their own: an hnn-core dipole file whose L5 column holds a known RC
 * waveform, in other units, 100 ms late and on an offset; and the one-line refusals of files that do not fit.
 */
import assert from "node:assert/strict";
import { cli } from "./reference/cli.ts";
import { rcExact } from "./reference/rc_exact.ts";
import { makeTinyRcRun } from "./reference/tiny_run.ts";

const dir = await Deno.makeTempDir({ prefix: "neurosbi-condition-cli-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const run = `${dir}/run`;
await makeTinyRcRun(run);

/** The RC circuit at θ = (0.6, 0.4, 20 ms), which rests at 0 mV before its first pulse (200 ms). */
const truth = (times: number[]) => rcExact(0.6, 0.4, 20, times);

// Model time t is file time t + 100; L5 = 2000 + 1000·x (µV on a 2 mV offset), as hnn-core's Dipole.write lays out
// time, agg, L2, L5 (tab-separated, "%3.3f" and "%5.4f").
const fileTimes = Array.from({ length: 901 }, (_, k) => 0.5 * k);
const l5 = truth(fileTimes.map((t) => t - 100));
await Deno.writeTextFile(
  `${dir}/dpl.txt`,
  fileTimes.map((t, k) => [t.toFixed(3), "7.0000", "1.0000", (2000 + 1000 * l5[k]).toFixed(4)].join("\t")).join("\n"),
);
await Deno.writeTextFile(`${dir}/two.txt`, fileTimes.map((t) => `${t} 1`).join("\n"));

const condition = (out: string, ...options: string[]) =>
  cli("condition", "--run", run, "--out", out, "--samples", "50", "--predictive-sims", "4", ...options);

Deno.test({
  name: "condition cli: an hnn-core file's column, scale, offset and baseline give the model's x back",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const out = `${dir}/l5.json`;
    const options = ["--column", "L5", "--scale", "1000", "--offset-ms", "-100", "--baseline", "-100,0"];
    const { code, stdout, stderr } = await condition(out, "--waveform", `${dir}/dpl.txt`, ...options);
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`${dir}/dpl.txt: used 0–350 ms \\(the model's window\\) of its -100–350 ms`));
    const record = JSON.parse(await Deno.readTextFile(out));
    const x = truth(record.times_ms);
    record.x.forEach((v: number, k: number) => assert.ok(Math.abs(v - x[k]) < 1e-6, `${record.times_ms[k]} ms: ${v}`));
    assert.deepEqual(record.recording, {
      path: `${dir}/dpl.txt`,
      column: "L5",
      scale: 1000,
      smoothing_ms: 0,
      offset_ms: -100,
      baseline_ms: [-100, 0],
    });
    assert.equal(record.waveform_axis.scale, 1000);
    assert.equal(record.samples.length, 50);
  },
});

for (
  const [label, file, options, reason] of [
    ["a column a two-column file lacks", "two.txt", ["--column", "L2"], /two\.txt has one value column/],
    ["a recording the offset moves off the window", "dpl.txt", ["--offset-ms", "20"], /covers 20–470 ms/],
    ["a baseline window without samples", "dpl.txt", ["--baseline", "500,600"], /holds no sample/],
    ["a zero scale", "dpl.txt", ["--scale", "0"], /--scale.*must be a non-zero number/],
  ] as const
) {
  Deno.test(`condition cli: ${label} gives a one-line error, exit ≠ 0, and writes nothing`, async () => {
    const out = `${dir}/bad.json`;
    const { code, stderr } = await condition(out, "--waveform", `${dir}/${file}`, ...options);
    assert.notEqual(code, 0);
    assert.match(stderr, reason);
    assert.equal(stderr.trim().split("\n").filter((l) => !l.startsWith("note:") && !l.startsWith("(add")).length, 1);
    assert.equal(await Deno.stat(out).then(() => true, () => false), false);
  });
}
