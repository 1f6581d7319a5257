import assert from "node:assert/strict";
import { fixturePath, readFixture } from "../lib/hnn/reference/fixture.ts";
import { rcExact } from "./reference/rc_exact.ts";
import { cli } from "./reference/cli.ts";
import { type ExperimentArgs, experimentCommandLine } from "../lib/cli/experiment.ts";
import { buildProgram } from "../lib/cli/main.ts";

const dir = await Deno.makeTempDir({ prefix: "neurosbi-cli-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("cli: --theta-file writes one row of x per CSV row, matching the exact solution (1e-4 mV)", async () => {
  const rows = [[0.2, 0.9, -10], [1, 0, 75], [0.5, 0.5, 0]];
  await Deno.writeTextFile(`${dir}/t.csv`, "amp1,amp2,latency\n" + rows.map((r) => r.join(",")).join("\n") + "\n");
  const { code, stderr } = await cli(
    "simulate",
    "--model",
    "rc",
    "--theta-file",
    `${dir}/t.csv`,
    "--out",
    `${dir}/o.json`,
  );
  assert.equal(code, 0, stderr);
  const out = JSON.parse(await Deno.readTextFile(`${dir}/o.json`));
  assert.equal(out.times_ms.length, 701);
  assert.equal(out.x.length, 3);
  rows.forEach(([a1, a2, lat], i) => {
    const exact = rcExact(a1, a2, lat, out.times_ms);
    exact.forEach((v, k) => assert.ok(Math.abs(out.x[i][k] - v) < 1e-4, `row ${i} sample ${k}`));
  });
});

Deno.test("cli: --n draws a dataset and a second run of the same command finds it complete", async () => {
  const args = ["simulate", "--model", "rc", "--n", "300", "--seed", "2", "--out", `${dir}/ds`];
  const first = await cli(...args);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /wrote 300 × \(3 θ, 701 x\)/);
  assert.match(first.stderr, /simulate rc: 300\/300 \(100%\)/, "plain progress lines when not a terminal");
  const again = await cli(...args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already holds the complete dataset/);
});

const badCsv: [string, string, RegExp][] = [
  ["empty", "", /is empty/],
  ["header only", "amp1,amp2,latency\n", /no parameter rows/],
  ["wrong header", "a,b,c\n0.1,0.2,3\n", /header must be "amp1,amp2,latency"/],
  ["NaN", "amp1,amp2,latency\n0.1,NaN,3\n", /amp2 = "NaN" is not a finite number/],
  ["text", "amp1,amp2,latency\n0.1,abc,3\n", /amp2 = "abc" is not a finite number/],
  ["outside the prior", "amp1,amp2,latency\n0.1,0.2,80\n", /row 1: latency = 80 lies outside the prior/],
  ["ragged", "amp1,amp2,latency\n0.1,0.2\n", /malformed CSV/],
  ["unbalanced quote", 'amp1,amp2,latency\n"0.1,0.2,3\n', /malformed CSV/],
];

for (const [label, text, message] of badCsv) {
  Deno.test(`cli: bad CSV (${label}) gives a one-line error, exit ≠ 0, and writes nothing`, async () => {
    const csv = `${dir}/bad-${label.replaceAll(" ", "-")}.csv`;
    const out = `${dir}/bad-${label.replaceAll(" ", "-")}.json`;
    await Deno.writeTextFile(csv, text);
    const { code, stderr } = await cli("simulate", "--model", "rc", "--theta-file", csv, "--out", out);
    assert.notEqual(code, 0);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
    assert.equal(await exists(out), false);
  });
}

const badArgs: [string, string[], RegExp][] = [
  ["unknown model", ["--model", "lif", "--n", "5", "--out", "D"], /unknown model "lif" \(available: rc/],
  ["N = 0", ["--model", "rc", "--n", "0", "--out", "D"], /--n <N>.*must be a positive integer/],
  ["N < 0", ["--model", "rc", "--n", "-3", "--out", "D"], /--n <N>.*must be a positive integer/],
  ["N not a number", ["--model", "rc", "--n", "many", "--out", "D"], /must be a positive integer/],
  ["no θ source", ["--model", "rc", "--out", "D"], /give --theta-file T.csv or --sims N/],
  ["missing CSV", ["--model", "rc", "--theta-file", "/nonexistent/t.csv", "--out", "D"], /cannot read/],
  ["unwritable folder", ["--model", "rc", "--n", "5", "--out", "F/D"], /cannot write/],
  // Into an unwritable folder: the limit comes first, and a run without it fails there instead of filling the disk.
  ["absurd N", ["--model", "rc", "--n", "1000000000", "--out", "F/D"], /n = 1000000000 is beyond the limit/],
  ["N at 2^53", ["--model", "rc", "--n", "9007199254740991", "--out", "F/D"], /beyond the limit of 100000000 rows/],
];

for (const [label, args, message] of badArgs) {
  Deno.test(`cli: ${label} gives a one-line error, exit ≠ 0, and writes nothing`, async () => {
    const out = `${dir}/arg-${label.replaceAll(" ", "-")}`;
    await Deno.writeTextFile(`${dir}/afile`, "a file, not a folder");
    const { code, stderr } = await cli(
      "simulate",
      ...args.map((a) => a === "D" ? out : a === "F/D" ? `${dir}/afile/D` : a),
    );
    assert.notEqual(code, 0);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split("\n").filter((l) => !l.startsWith("(add --help")).length, 1, stderr);
    assert.equal(await exists(out), false);
    assert.doesNotMatch(stderr, /software adapter/, "fails before acquiring the GPU");
  });
}

Deno.test("cli: --theta-file reads a CSV saved with a UTF-8 byte order mark", async () => {
  await Deno.writeTextFile(`${dir}/bom.csv`, "\uFEFFamp1,amp2,latency\n0.2,0.9,-10\n");
  const { code, stderr } = await cli(
    "simulate",
    "--model",
    "rc",
    "--theta-file",
    `${dir}/bom.csv`,
    "--out",
    `${dir}/bom.json`,
  );
  assert.equal(code, 0, stderr);
  const out = JSON.parse(await Deno.readTextFile(`${dir}/bom.json`));
  rcExact(0.2, 0.9, -10, out.times_ms).forEach((v, k) => assert.ok(Math.abs(out.x[0][k] - v) < 1e-4, `sample ${k}`));
});

Deno.test("cli: an unwritable --out file is refused before simulating", async () => {
  await Deno.writeTextFile(`${dir}/afile`, "a file, not a folder");
  await Deno.writeTextFile(`${dir}/ok.csv`, "amp1,amp2,latency\n0.1,0.2,3\n");
  const { code, stderr } = await cli(
    "simulate",
    "--model",
    "rc",
    "--theta-file",
    `${dir}/ok.csv`,
    "--out",
    `${dir}/afile/o.json`,
  );
  assert.notEqual(code, 0);
  assert.match(stderr, /cannot write/);
  assert.doesNotMatch(stderr, /software adapter/, "fails before acquiring the GPU");
});

Deno.test("cli: an --out file in a missing folder is refused before simulating", async () => {
  await Deno.writeTextFile(`${dir}/ok.csv`, "amp1,amp2,latency\n0.1,0.2,3\n");
  const out = `${dir}/nofolder/o.json`;
  const { code, stderr } = await cli("simulate", "--model", "rc", "--theta-file", `${dir}/ok.csv`, "--out", out);
  assert.notEqual(code, 0);
  assert.match(stderr, /^error: cannot write to .*o.json: its folder .*nofolder does not exist\n$/);
  assert.equal(await exists(`${dir}/nofolder`), false);
});

Deno.test("cli: the command line an experiment records parses back to the same options", async () => {
  const args: ExperimentArgs = {
    name: "hnn-rc",
    size: "small",
    out: `${dir}/it's a run`,
    sims: 500,
    summary: "raw",
    flow: "nsf",
    noise: true,
    thetaJitter: 0.01,
    seed: -3,
    maxEpochs: 7,
    backend: "wasm",
    dt: 0.25,
  };
  const line = experimentCommandLine(args);
  const config = new URL("../deno.json", import.meta.url).pathname;
  assert.ok(line.startsWith(`${Deno.execPath()} task --config ${config} cli experiment `), line);
  // The shell's own word splitting, as a user pasting the line gets it.
  const words = new TextDecoder().decode(
    (await new Deno.Command("bash", { args: ["-c", `printf '%s\\0' ${line}`] }).output()).stdout,
  ).split("\0").slice(5, -1);
  const program = buildProgram().exitOverride();
  let parsed: Record<string, unknown> = {};
  const experiment = program.commands.find((c) => c.name() === "experiment")!;
  experiment.action(() => {
    parsed = experiment.opts();
  });
  await program.parseAsync(words, { from: "user" });
  assert.deepEqual(parsed, args);
});

Deno.test("cli: --spec simulates a user's network spec; one isolated L5 cell fires as in tonic_a (0.2 ms)", async () => {
  const fixture = await readFixture(fixturePath("tonic_a.json.gz"));
  // A 1×1 mesh holds one cell of each type (gids 0–3); isolated cells behave as in the 10×10 fixture.
  const biases = Object.fromEntries(
    Object.entries(fixture.tonic_bias_nA as Record<string, number>).map(([type, amplitude_nA]) => [
      type,
      { amplitude_nA, t0_ms: fixture.tonic_t0_ms, tstop_ms: fixture.tonic_tstop_ms },
    ]),
  );
  await Deno.writeTextFile(
    `${dir}/spec.json`,
    JSON.stringify({ mesh_shape: [1, 1], dt_ms: fixture.dt_ms, tstop_ms: fixture.tstop_ms, tonic_biases: biases }),
  );
  const { code, stderr } = await cli(
    "simulate",
    "--spec",
    `${dir}/spec.json`,
    "--record-gids",
    "3",
    "--out",
    `${dir}/spec-out.json`,
  );
  assert.equal(code, 0, stderr);
  const out = JSON.parse(await Deno.readTextFile(`${dir}/spec-out.json`));
  const ours = out.spikes.times_ms.filter((_: number, i: number) => out.spikes.gids[i] === 3);
  const theirs = fixture.spikes.times_ms.filter((_: number, i: number) => fixture.spikes.gids[i] === 170);
  assert.equal(ours.length, theirs.length);
  ours.forEach((t: number, i: number) => assert.ok(Math.abs(t - theirs[i]) <= 0.2, `spike ${i}: ${t} vs ${theirs[i]}`));
  assert.equal(out.soma_v_mV["3"].length, fixture.soma_v_mV["170"].length);
  const bad = await cli("simulate", "--spec", `${dir}/spec.json`, "--theta", "1", "--out", `${dir}/spec-bad.json`);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /declares 0 parameters/);
  assert.equal(await exists(`${dir}/spec-bad.json`), false);
});

for (
  const [flag, value, message] of [
    ["--theta-jitter", "-0.01", /--theta-jitter <sd>.*must be a number ≥ 0/],
    ["--sims", "0", /--sims <N>.*must be a positive integer/],
  ] as const
) {
  Deno.test(`cli: experiment ${flag} ${value} is refused before anything runs`, async () => {
    const out = `${dir}/experiment${flag}`;
    const { code, stderr } = await cli("experiment", "--name", "rc", flag, value, "--out", out);
    assert.notEqual(code, 0);
    assert.match(stderr, message);
    assert.equal(await exists(out), false);
  });
}
