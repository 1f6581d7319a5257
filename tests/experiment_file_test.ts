/**
 * Experiment files (docs/experiments.md): the shipped ones describe the paper's experiments exactly as the code
 * did, every mistake in a file is one line naming the field, and a user's own file with a network and a parameter
 * of its own runs end to end through the same path.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXPERIMENT_NAMES, experimentFilePath, EXPERIMENTS } from "../lib/experiments/configs.ts";
import { checkRecordings, experimentFromJson, loadExperimentFile } from "../lib/experiments/experiment_file.ts";
import { runPlan, softwareNotice } from "../lib/experiments/plan.ts";
import { loadRecording, type Recording } from "../lib/experiments/recordings.ts";
import { checkExperimentFolder, experimentSettings } from "../lib/experiments/run.ts";
import { fixturePath } from "../lib/hnn/reference/fixture.ts";
import { hnnBetaSpec, hnnErpSpec, hnnRcSpec } from "../lib/models/hnn.ts";
import { validateSpec } from "../lib/hnn/spec/validate.ts";
import { rcModel } from "../lib/models/rc.ts";
import { getModel } from "../lib/experiments/models.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { Prior } from "../lib/prior/prior.ts";
import { seededUniform } from "../lib/random.ts";
import { cli } from "./reference/cli.ts";

const dir = await Deno.makeTempDir({ prefix: "neurosbi-expfile-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const shipped = (name: string) => JSON.parse(Deno.readTextFileSync(experimentFilePath(name as "rc")));

/** A 3×3 network without connections: one proximal evoked drive onto L5 pyramidal cells (cheap to simulate). */
const SMALL_NETWORK = {
  mesh_shape: [3, 3],
  dt_ms: 0.5,
  tstop_ms: 60,
  drives: [{
    type: "evoked",
    name: "evprox",
    location: "proximal",
    mu: 20,
    sigma: 2,
    numspikes: 1,
    cell_specific: false,
    n_drive_cells: 1,
    weights_ampa: { L5_pyramidal: 0.01 },
  }],
};

/** A user's experiment on SMALL_NETWORK: θ = the drive's time and its weight, neither a shipped parameter. */
function userExperiment(overrides: Record<string, unknown> = {}) {
  return {
    name: "my-drive",
    description: "when and how strongly a proximal drive hits L5",
    network: "network.json",
    parameters: [
      { name: "drive_time", sets: [{ drive: "evprox", field: "mu" }], low: 10, high: 30, unit: "ms" },
      {
        name: "drive_weight",
        sets: [{ drive: "evprox", weight: "ampa", target: "L5_pyramidal" }],
        low: 1e-3,
        high: 1e-1,
        scale: "log10",
        unit: "µS",
      },
    ],
    dt_ms: 0.5,
    tstop_ms: 60,
    summary: "pca4",
    noise_sd: 1e-4,
    budgets: {
      small: {
        sims: 40,
        sbc_pairs: 4,
        sbc_samples: 10,
        grid_points: 1,
        grid_samples: 20,
        predictive_sims: 2,
        observation_samples: 30,
      },
    },
    observations: [{ id: "early-strong", theta: [15, 0.05] }],
    ...overrides,
  };
}

/** A recording of beta events (subject 1's shallow ones unless `events` says otherwise). */
function betaEvents(id: string, events: Record<string, unknown> = {}) {
  return { id, events: { subjects: [1], bin_nam: [-60, -30], trough_ms: 30, ...events }, scale: 60000, smooth_ms: 20 };
}

async function writeUserFiles(folder: string, experiment: Record<string, unknown>): Promise<string> {
  await Deno.mkdir(folder, { recursive: true });
  await Deno.writeTextFile(join(folder, "network.json"), JSON.stringify(SMALL_NETWORK));
  const path = join(folder, "experiment.json");
  await Deno.writeTextFile(path, JSON.stringify(experiment));
  return path;
}

Deno.test("experiment files: every shipped file validates, and its network is the paper's network of the code", () => {
  const files = [...Deno.readDirSync(new URL("../experiments/", import.meta.url))]
    .filter((e) => e.isFile && e.name.endsWith(".json")).map((e) => e.name.replace(/\.json$/, "")).sort();
  assert.deepEqual(files, [...EXPERIMENT_NAMES].sort());
  for (const name of files) assert.equal(loadExperimentFile(experimentFilePath(name as "rc")).name, name);
  const specs = { "hnn-rc": hnnRcSpec, erp: hnnErpSpec, beta: hnnBetaSpec };
  for (const [name, spec] of Object.entries(specs)) {
    const config = EXPERIMENTS[name as keyof typeof specs];
    const file = config.document.network as Record<string, unknown>;
    const { tstop_ms } = shipped(name);
    const code = validateSpec(spec({ dtMs: 0.5, tstopMs: tstop_ms }));
    const fromFile = validateSpec({ ...file, parameters: shipped(name).parameters });
    assert.deepEqual(
      { ...fromFile, parameters: fromFile.parameters.map((p) => ({ name: p.name, sets: p.sets })) },
      code,
      name,
    );
  }
  // Datasets and runs keep naming the models as before.
  assert.deepEqual(EXPERIMENT_NAMES.map((n) => EXPERIMENTS[n].simulator(0.5).name), [
    "rc",
    "hnn-rc",
    "hnn-beta",
    "hnn-erp",
    "hnn-erp-meg",
    "hnn-erp-meg-cells",
    "hnn-erp-meg-prestim",
  ]);
});

Deno.test("experiment files: the old model names are aliases of the experiments' models", () => {
  for (const [old, name] of [["hnn-erp", "erp"], ["hnn-beta", "beta"]] as const) {
    const a = getModel(old), b = EXPERIMENTS[name].simulator(0.5);
    assert.deepEqual([a.name, a.dtMs, Array.from(a.timesMs)], [b.name, b.dtMs, Array.from(b.timesMs)]);
    assert.deepEqual(a.prior.toJSON(), b.prior.toJSON());
  }
  assert.equal(getModel("erp", 0.25).dtMs, 0.25);
  assert.throws(() => getModel("constructor"), /unknown model "constructor"/);
});

Deno.test("experiment files: the rc experiment's prior is the rc model's, units included", () => {
  // `simulate --model rc` and `experiment --name rc` write the same prior into their datasets.
  const fromFile = getModel("rc").prior.toJSON();
  assert.deepEqual(fromFile, rcModel.prior.toJSON());
  assert.deepEqual(rcModel.prior.parameters.map((p) => p.unit), ["mV", "mV", "ms"]);
});

Deno.test("experiment files: a plan counts the simulations of each stage as the runner makes them", () => {
  const erp = EXPERIMENTS.erp, budget = erp.budgets.small!;
  const plan = runPlan(erp, budget, erp.simulator(0.5));
  // 550 training, 40 SBC pairs, 2^4 grid points × (1 + 4), 2 observations × (1 + 4), 2 recordings × 4.
  assert.deepEqual(plan.stages.map((s) => s.networks), [550, 40, 80, 10, 8]);
  assert.equal(plan.networks, 688);
  const dataset = 550 * (4 + 341) * 4;
  assert.ok(plan.diskBytes > dataset && plan.peakDiskBytes === plan.diskBytes + dataset);
  // The RC experiment has no recordings: no stage of them.
  const rc = EXPERIMENTS.rc;
  assert.equal(runPlan(rc, rc.budgets.small!, rc.simulator(0.5)).stages.length, 4);
});

Deno.test("experiment files: a run of over an hour of software simulation is announced, a shorter one is not", () => {
  const erp = EXPERIMENTS.erp, simulator = erp.simulator(0.5);
  const small = runPlan(erp, erp.budgets.small!, simulator), paper = runPlan(erp, erp.budgets.paper!, simulator);
  // 688 networks at 1.3 s: 15 min; the paper's 100,000 + 1000 + 10^4 × 101 + 2 × 101 + 2 × 100 at 1.3 s: 15 days.
  assert.equal(softwareNotice(small, 1.3, "llvmpipe"), undefined);
  assert.equal(paper.networks, 100_000 + 1000 + 10_000 * 101 + 2 * 101 + 2 * 100);
  assert.equal(
    softwareNotice(paper, 1.3, "llvmpipe"),
    "note: about 401.3 h of simulation (1,111,402 networks) on the software adapter llvmpipe; a GPU is far faster " +
      "(--dry-run prints the plan)",
  );
  assert.equal(softwareNotice(small, 3600 / 688 + 0.01, "llvmpipe")?.startsWith("note: about 60.1 min"), true);
});

const BAD: [string, Record<string, unknown>, RegExp][] = [
  [
    "unknown target",
    userExperiment({
      parameters: [{ name: "t", sets: [{ drive: "evdist", field: "mu" }], low: 1, high: 2 }],
      observations: [],
    }),
    /^ExperimentFileError: \S+experiment\.json: parameters\[0\]\.sets\[0\]\.drive: no drive named "evdist"$/,
  ],
  [
    "low ≥ high",
    userExperiment({ parameters: [{ name: "t", sets: [{ drive: "evprox", field: "mu" }], low: 30, high: 10 }] }),
    /^ExperimentFileError: \S+experiment\.json: parameters\[0\]\.high: bounds must be finite with low < high, got \[30, 10\]$/,
  ],
  [
    "log scale with low ≤ 0",
    userExperiment({
      parameters: [{ name: "t", sets: [{ drive: "evprox", field: "mu" }], low: 0, high: 10, scale: "log10" }],
    }),
    /^ExperimentFileError: \S+experiment\.json: parameters\[0\]\.low: a log10 scale needs positive bounds, got \[0, 10\]$/,
  ],
  [
    "a misspelt budget field",
    userExperiment({ budgets: { small: { ...userExperiment().budgets.small, sim: 5 } } }),
    /^ExperimentFileError: \S+experiment\.json: budgets\.small: Unrecognized key: "sim"$/,
  ],
  [
    "an observation of the wrong length",
    userExperiment({ observations: [{ id: "a", unit: [0.5] }] }),
    /^ExperimentFileError: \S+experiment\.json: observations\[0\]\.unit: needs 2 values \(drive_time, drive_weight\)$/,
  ],
  [
    "a recording's baseline window that ends before it starts",
    userExperiment({ recordings: [{ id: "rec", path: "rec.txt", scale: 1, smooth_ms: 0, baseline_ms: [0, -50] }] }),
    /^ExperimentFileError: \S+experiment\.json: recordings\[0\]\.baseline_ms: from must be before to$/,
  ],
  [
    "a recording's column that hnn-core files do not have",
    userExperiment({ recordings: [{ id: "rec", path: "rec.txt", scale: 1, smooth_ms: 0, column: "L4" }] }),
    /^ExperimentFileError: \S+experiment\.json: recordings\[0\]\.column: .*"agg"\|"L2"\|"L5"/,
  ],
  [
    "an extra drive onto a target its location lacks",
    userExperiment({
      extra_drives: [{
        ...SMALL_NETWORK.drives[0],
        name: "evdist",
        location: "distal",
        weights_ampa: { L5_basket: 0.01 },
      }],
    }),
    /^ExperimentFileError: \S+experiment\.json: extra_drives\[0\]: L5 baskets have no distal dendrites$/,
  ],
  [
    "an extra drive named as the network's",
    userExperiment({ extra_drives: [SMALL_NETWORK.drives[0]] }),
    /^ExperimentFileError: \S+experiment\.json: extra_drives\[0\]: drive name "evprox" is used twice$/,
  ],
  [
    "extra drives for the built-in RC model",
    { ...shipped("rc"), extra_drives: [SMALL_NETWORK.drives[0]] },
    /^ExperimentFileError: \S+experiment\.json: extra_drives: the rc model is not a network: its x has no dipole$/,
  ],
  [
    "no network",
    userExperiment({ network: undefined }),
    /^ExperimentFileError: \S+experiment\.json: network: give a network \(or a built-in model\)$/,
  ],
  [
    "beta events of a subject the MEG does not have",
    userExperiment({ recordings: [betaEvents("deep", { subjects: [1, 11] })] }),
    /^ExperimentFileError: \S+experiment\.json: recordings\[0\]\.events\.subjects\[1\]: subjects are 1–10$/,
  ],
  [
    "beta events in a trough bin that is not one",
    userExperiment({ recordings: [betaEvents("deep", { bin_nam: [-90, -60] })] }),
    /^ExperimentFileError: \S+experiment\.json: recordings\[0\]\.events\.bin_nam: one of the trough amplitude bins \[-100, -60\], \[-60, -30\] \(nAm\)$/,
  ],
  [
    "a recording with both a file and events",
    userExperiment({ recordings: [{ ...betaEvents("deep"), path: "rec.txt" }] }),
    /^ExperimentFileError: \S+experiment\.json: recordings\[0\]: give one of path, data or events$/,
  ],
  [
    "beta events with a file's baseline",
    userExperiment({ recordings: [{ ...betaEvents("deep"), baseline_ms: [20, 25] }] }),
    /^ExperimentFileError: \S+experiment\.json: recordings\[0\]: events are placed by events\.trough_ms: give no column, offset_ms or baseline_ms$/,
  ],
  [
    "a recording pair naming no recording",
    userExperiment({ recordings: [betaEvents("deep")], recording_pairs: [["deep", "shallow"]] }),
    /^ExperimentFileError: \S+experiment\.json: recording_pairs\[0\]\[1\]: "shallow" is not one of the recordings \(deep\)$/,
  ],
];
for (const [what, experiment, message] of BAD) {
  Deno.test(`experiment files: ${what} is refused with one line naming the field`, async () => {
    const path = await writeUserFiles(join(dir, `bad-${what.replaceAll(/\W+/g, "-")}`), experiment);
    assert.throws(() => loadExperimentFile(path), message);
  });
}

Deno.test("experiment files: a recording's column, offset and baseline reach the run's conditioning", async () => {
  const folder = join(dir, "dipole-recording");
  const recording = { id: "rec", path: "dpl.txt", scale: 2, smooth_ms: 0, column: "L5", offset_ms: -10 };
  const path = await writeUserFiles(
    folder,
    userExperiment({
      recordings: [recording, { ...recording, id: "corrected", baseline_ms: [-10, -5] }],
      recording_units: { scale: 2, smooth_ms: 0 },
    }),
  );
  // time, agg, L2, L5 from -10 to 70 ms with L5 = 8 + t/10: on the model's times (t - 10), x = (9 + t/10) ÷ 2.
  const rows = Array.from({ length: 81 }, (_, k) => k - 10).map((t) => `${t} 0 0 ${8 + t / 10}`);
  await Deno.writeTextFile(join(folder, "dpl.txt"), rows.join("\n"));
  const config = loadExperimentFile(path);
  assert.deepEqual(
    (config.recordings as Recording[]).map(({ column, offsetMs, baselineMs }) => [column, offsetMs, baselineMs]),
    [["L5", -10, undefined], ["L5", -10, [-10, -5]]],
  );
  assert.deepEqual(config.recordingUnits, { scale: 2, smoothMs: 0 });
  const simulator = config.simulator(config.dtMs);
  const [plain, corrected] = await Promise.all(config.recordings!.map((r) => loadRecording(r, simulator)));
  const at = (x: Float32Array, t: number) => x[simulator.timesMs.indexOf(t)];
  assert.ok(Math.abs(at(plain, 20) - 5.5) < 1e-5, `x(20 ms) = ${at(plain, 20)}`);
  // The baseline (-10 to -5 ms on the model's times: mean L5 9 - 0.75) is subtracted before the ÷ 2.
  assert.ok(Math.abs(at(corrected, 20) - (11 - 8.25) / 2) < 1e-5, `x(20 ms) = ${at(corrected, 20)}`);
  // A file without recording_units: uploads are x already.
  assert.deepEqual(experimentFromJson(userExperiment(), path).recordingUnits, { scale: 1, smoothMs: 0 });
});

Deno.test("experiment files: a recording that does not cover the model's window is refused naming it", async () => {
  const folder = join(dir, "short-recording");
  const path = await writeUserFiles(
    folder,
    userExperiment({ recordings: [{ id: "rec", path: "rec.txt", scale: 1, smooth_ms: 0 }] }),
  );
  await Deno.writeTextFile(join(folder, "rec.txt"), "0 1\n10 2\n40 3\n");
  const config = loadExperimentFile(path);
  await assert.rejects(
    checkRecordings(config),
    /^ExperimentFileError: \S+experiment\.json: recordings\[0\]: rec \(\S+rec\.txt\) covers 0–40 ms; the model's time base needs 0–60 ms$/,
  );
  // The CLI says the same before it writes anything.
  const out = join(folder, "run");
  const run = await cli("experiment", "--config", path, "--out", out);
  assert.notEqual(run.code, 0);
  assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, /recordings\[0\]: rec .* covers 0–40 ms/);
  assert.equal(await exists(out), false);
});

Deno.test("experiment files: a network's own parameters may carry the priors", () => {
  const network = {
    ...SMALL_NETWORK,
    parameters: [{ name: "drive_time", sets: [{ drive: "evprox", field: "mu" }], low: 10, high: 30, unit: "ms" }],
  };
  const { parameters: _, ...withoutParameters } = userExperiment();
  const config = experimentFromJson({ ...withoutParameters, network, observations: [] }, "inline.json");
  assert.deepEqual(config.simulator(0.5).prior.toJSON(), [
    { name: "drive_time", low: 10, high: 30, scale: "linear", unit: "ms" },
  ]);
});

Deno.test("experiment files: extra drives extend the network exactly as drives written into it", async () => {
  const distal = { ...SMALL_NETWORK.drives[0], name: "evdist", location: "distal", mu: 30, event_seed: 7 };
  const late = { name: "late", sets: [{ drive: "evdist", field: "mu" }], low: 20, high: 40, unit: "ms" };
  const experiment = (fields: Record<string, unknown>) =>
    experimentFromJson(userExperiment({ ...fields, observations: [] }), "inline.json").simulator(0.5);
  const parameters = [...userExperiment().parameters, late];
  const extended = experiment({ network: SMALL_NETWORK, extra_drives: [distal], parameters });
  const written = experiment({ network: { ...SMALL_NETWORK, drives: [...SMALL_NETWORK.drives, distal] }, parameters });
  assert.deepEqual(extended.prior.names, ["drive_time", "drive_weight", "late"]);
  const runtime = await GpuRuntime.acquire({ requiredLimits: extended.requiredLimits });
  const theta = Float32Array.from([15, 0.05, 35]);
  const x = await extended.simulate(runtime, theta);
  assert.deepEqual(Array.from(x), Array.from(await written.simulate(runtime, theta)));
  // The extra drive is simulated: without it, the dipole differs.
  const alone = await experiment({ network: SMALL_NETWORK }).simulate(runtime, theta.subarray(0, 2));
  const peak = Math.max(...alone.map(Math.abs));
  assert.ok(x.some((v, i) => Math.abs(v - alone[i]) > 1e-3 * peak), "the extra drive changed nothing");
});

Deno.test("experiment files: an hnn-core network file is a network too, given its simulated time", async () => {
  const folder = join(dir, "hnncore");
  await Deno.mkdir(folder);
  const gz = await Deno.readFile(fixturePath("hnncore/neymotin2020_3x3_drives.json.gz"));
  const text = await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  await Deno.writeTextFile(join(folder, "net.json"), text);
  const experiment = userExperiment({
    network: "net.json",
    parameters: [{ name: "evprox1_time", sets: [{ drive: "evprox1", field: "mu" }], low: 15, high: 40, unit: "ms" }],
    observations: [],
    tstop_ms: 170,
  });
  const path = join(folder, "experiment.json");
  await Deno.writeTextFile(path, JSON.stringify(experiment));
  const simulator = loadExperimentFile(path).simulator(0.5);
  assert.deepEqual([simulator.name, simulator.timesMs.length, simulator.prior.names], ["hnn-my-drive", 341, [
    "evprox1_time",
  ]]);
  await Deno.writeTextFile(path, JSON.stringify({ ...experiment, tstop_ms: undefined }));
  assert.throws(
    () => loadExperimentFile(path),
    /experiment\.json: tstop_ms: an hnn-core network file has no simulated time$/,
  );
});

Deno.test("experiment files: an unfinished run resumes only with the experiment file it was started with", async () => {
  const folder = join(dir, "resume");
  const path = await writeUserFiles(folder, userExperiment());
  const config = loadExperimentFile(path), out = join(folder, "run");
  const options = { config, size: "small" as const, out, noise: true };
  await Deno.mkdir(out);
  const record = { ...experimentSettings(options, config.simulator(0.5)), status: "failed", started: "then" };
  await Deno.writeTextFile(join(out, "experiment.json"), JSON.stringify(record));
  await Deno.writeTextFile(join(out, "config.json"), JSON.stringify(config.document));
  assert.equal((await checkExperimentFolder(options, config.simulator(0.5)))?.started, "then");
  // The same name and settings, another prior: a run of another experiment.
  const edited = userExperiment();
  edited.parameters[0].high = 35;
  const changed = experimentFromJson(edited, path);
  await assert.rejects(
    checkExperimentFolder({ ...options, config: changed }, changed.simulator(0.5)),
    /run of another version of \S+experiment\.json \(its config\.json differs\): give a new folder$/,
  );
});

Deno.test("experiment files: a spec's parameter priors are checked like an experiment file's, naming the field", () => {
  const spec = (prior: Record<string, unknown>) =>
    validateSpec({ ...SMALL_NETWORK, parameters: [{ name: "t", sets: [{ drive: "evprox", field: "mu" }], ...prior }] });
  assert.deepEqual(spec({ low: 1, high: 2, scale: "log10", unit: "ms" }).parameters[0], {
    name: "t",
    sets: [{ drive: "evprox", field: "mu" }],
    low: 1,
    high: 2,
    scale: "log10",
    unit: "ms",
  });
  assert.throws(() => spec({ low: 2, high: 1 }), /^SpecError: parameters\[0\]\.high: bounds must be finite/);
  assert.throws(() => spec({ low: -1, high: 1, scale: "log10" }), /^SpecError: parameters\[0\]\.low: a log10 scale/);
  assert.throws(() => spec({ scale: "log10" }), /^SpecError: parameters\[0\]\.scale needs low and high$/);
  assert.throws(() => spec({ low: 1, high: 2, scale: "ln" }), /^SpecError: parameters\[0\]\.scale must be one of/);
});

Deno.test({
  name: "experiment files: every shipped experiment dry-runs, printing its plan and writing nothing",
  sanitizeResources: false,
  fn: async () => {
    for (const name of EXPERIMENT_NAMES) {
      const { code, stdout, stderr } = await cli("experiment", "--name", name, "--dry-run", "--probe", "1");
      assert.equal(code, 0, stderr);
      const config = EXPERIMENTS[name];
      const total = runPlan(config, config.budgets.small!, config.simulator(config.dtMs)).networks;
      assert.match(stdout, new RegExp(`in all +${total.toLocaleString("en-US")} simulations`), name);
      assert.match(stdout, /time: [\d.]+ (s|min|h) of simulation on .*\(\d\.\d+(e-\d+)? s per network, measured on 1/);
      assert.match(stdout, /disk: [\d.]+ [kMG]?B/);
    }
  },
});

Deno.test({
  name: "experiment files: a user's own network and parameters run end to end at a tiny size, and condition",
  sanitizeResources: false,
  fn: async () => {
    const folder = join(dir, "user");
    const path = await writeUserFiles(folder, userExperiment());
    const out = join(folder, "run");
    const run = await cli("experiment", "--config", path, "--out", out, "--max-epochs", "2");
    assert.equal(run.code, 0, run.stderr);
    const read = async (file: string) => JSON.parse(await Deno.readTextFile(join(out, file)));
    const experiment = await read("experiment.json");
    assert.deepEqual([experiment.status, experiment.name, experiment.model], ["complete", "my-drive", "hnn-my-drive"]);
    assert.ok(Math.abs(experiment.noise - 1e-4 * Math.sqrt(3)) < 1e-15, "noise on by default");
    assert.match(experiment.command, /--config \/\S+experiment\.json/);
    const manifest = await read("dataset/manifest.json");
    assert.deepEqual(manifest.theta_names, ["drive_time", "drive_weight"]);
    assert.equal(manifest.times_ms.length, 121);
    const obs = await read("observations/early-strong.json");
    assert.equal(obs.samples.length, 30);
    assert.ok(Math.abs(obs.theta_true[0] - 15) < 1e-5 && Math.abs(obs.theta_true[1] - 0.05) < 1e-8);
    assert.ok(obs.samples.every(([t, w]: number[]) => t >= 10 && t <= 30 && w >= 1e-3 && w <= 1e-1));
    // The drive's time moves the dipole: the drive at 15 ms moves x before a drive at 25 ms would.
    assert.ok(obs.x.some((v: number) => v !== 0));

    // The run keeps its experiment file, so condition rebuilds its simulator without the user's file.
    await Deno.remove(path);
    const csv = join(folder, "x.csv");
    await Deno.writeTextFile(csv, obs.times_ms.map((t: number, k: number) => `${t},${obs.x[k]}`).join("\n"));
    const result = join(folder, "conditioned.json");
    const conditioned = await cli(
      "condition",
      ...["--run", out, "--waveform", csv, "--out", result, "--samples", "20", "--predictive-sims", "2"],
    );
    assert.equal(conditioned.code, 0, conditioned.stderr);
    assert.equal(JSON.parse(await Deno.readTextFile(result)).predictive.q50.length, 121);
  },
});

Deno.test({
  name: "experiment files: simulate --spec --sims draws a dataset from the spec's own priors",
  sanitizeResources: false,
  fn: async () => {
    const parameters = [
      { name: "drive_time", sets: [{ drive: "evprox", field: "mu" }], low: 10, high: 30, unit: "ms" },
    ];
    const spec = join(dir, "spec-priors.json");
    await Deno.writeTextFile(spec, JSON.stringify({ ...SMALL_NETWORK, parameters }));
    const out = join(dir, "spec-dataset");
    const run = await cli("simulate", "--spec", spec, "--sims", "3", "--seed", "5", "--out", out);
    assert.equal(run.code, 0, run.stderr);
    const manifest = JSON.parse(await Deno.readTextFile(join(out, "manifest.json")));
    assert.deepEqual(manifest.prior, [{ name: "drive_time", low: 10, high: 30, scale: "linear", unit: "ms" }]);
    // The prior's draws of seed 5, as Prior.sample makes them (float32 on disk).
    const drawn = new Prior(manifest.prior).sample(3, seededUniform(5));
    const theta = await Deno.readFile(join(out, "theta.npy"));
    const values = new Float32Array(theta.buffer.slice(theta.length - 12));
    assert.deepEqual(Array.from(values), Array.from(Float32Array.from(drawn)));

    await Deno.writeTextFile(
      spec,
      JSON.stringify({
        ...SMALL_NETWORK,
        parameters: [{ ...parameters[0], low: undefined, high: undefined, unit: undefined }],
      }),
    );
    const bad = await cli("simulate", "--spec", spec, "--sims", "3", "--out", join(dir, "spec-bad"));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec-priors\.json: parameters\[0\] \(drive_time\): no prior: give low and high/);
    assert.equal(await exists(join(dir, "spec-bad")), false);
  },
});
