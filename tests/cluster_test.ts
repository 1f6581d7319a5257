/**
 * The cluster feature against a real Slurm (`.ci/slurm-up.sh` starts a one-node one): datasets simulated as job
 * arrays equal the single-machine ones bit for bit, a cancelled task is resubmitted alone, bad input submits nothing.
 * Without sbatch the Slurm tests fail, unless NEUROSBI_SKIP_CLUSTER_TESTS=1 opts out of them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { planTasks } from "../lib/cluster/plan.ts";
import { slurm } from "../lib/cluster/slurm.ts";
import { shellQuote } from "../lib/shell.ts";
import {
  beginDataset,
  type DatasetRequest,
  loadDataset,
  missingShards,
  planDataset,
  readManifest,
  simulateDataset,
  simulateShards,
} from "../lib/data/dataset.ts";
import { writeClusterState } from "../lib/cluster/state.ts";
import { EXPERIMENTS } from "../lib/experiments/configs.ts";
import { checkExperimentFolder, experimentDataset } from "../lib/experiments/run.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { rcModel } from "../lib/models/rc.ts";

const dir = await Deno.makeTempDir({ prefix: "neurosbi-cluster-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const MAIN = new URL("../lib/cli/main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
/** The permissions of `deno task cli`, so the tests run the CLI as users do. */
const CLI_FLAGS = (JSON.parse(await Deno.readTextFile(CONFIG)).tasks.cli as string).split(/\s+/)
  .filter((word) => word.startsWith("--allow"));

async function cli(args: string[], env: Record<string, string> = {}) {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--config", CONFIG, ...CLI_FLAGS, MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: result.code, stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

async function run(program: string, ...args: string[]): Promise<string> {
  const result = await new Deno.Command(program, { args }).output();
  const text = new TextDecoder().decode(result.stdout) + new TextDecoder().decode(result.stderr);
  assert.ok(result.success, `${program} ${args.join(" ")}: ${text}`);
  return text;
}

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);
const SKIP = Deno.env.get("NEUROSBI_SKIP_CLUSTER_TESTS") === "1";
const HAVE_SBATCH = await new Deno.Command("sbatch", { args: ["--version"] }).output().then(
  (r) => r.success,
  () => false,
);

/** A test that needs Slurm: fails with a clear message when sbatch is missing, unless opted out. */
function slurmTest(name: string, fn: () => Promise<void>) {
  Deno.test({
    name: `cluster (Slurm): ${name}`,
    ignore: SKIP,
    fn: async () => {
      assert.ok(HAVE_SBATCH, "no sbatch: run .ci/slurm-up.sh as root, or set NEUROSBI_SKIP_CLUSTER_TESTS=1 to skip");
      await fn();
    },
  });
}

/** Every job the tests submitted, withdrawn at the end so a failed test leaves none queued. */
const submittedJobs: string[] = [];
globalThis.addEventListener("unload", () => {
  if (submittedJobs.length > 0) new Deno.Command("scancel", { args: submittedJobs }).outputSync();
});

/** Job ids printed by cluster submit / experiment --cluster. */
function jobIds(stdout: string) {
  submittedJobs.push(...[...stdout.matchAll(/job (\d+)/g)].map((m) => m[1]));
  return {
    array: /array job (\d+)/.exec(stdout)?.[1],
    tasks: /array job \d+: tasks ([\d,]+)/.exec(stdout)?.[1],
    finalise: /finalise job (\d+)/.exec(stdout)?.[1],
    after: /after job (\d+)/.exec(stdout)?.[1],
  };
}

/** Begin a dataset as `cluster submit` does: its manifest and an empty shards/, nothing simulated. */
async function begin(request: DatasetRequest) {
  await beginDataset(await planDataset(request));
  return (await readManifest(request.dir))!;
}

async function assertSameArrays(a: string, b: string) {
  for (const file of ["theta.npy", "x.npy"]) {
    assert.deepEqual(await Deno.readFile(join(a, file)), await Deno.readFile(join(b, file)), `${file} differs`);
  }
}

Deno.test("cluster: tasks take contiguous whole shards covering every row once", () => {
  for (const [n, shardSize, tasks] of [[400, 100, 4], [1000, 30, 7], [5, 1, 5], [10, 3, 2]]) {
    const plan = planTasks(n, shardSize, tasks);
    assert.equal(plan.length, tasks);
    assert.equal(plan[0].rows[0], 0);
    assert.equal(plan.at(-1)!.rows[1], n);
    plan.forEach((t, i) => {
      assert.equal(t.rows[0], t.shards[0] * shardSize, "starts on a shard boundary");
      assert.ok(t.shards[1] > t.shards[0], "at least one shard");
      if (i > 0) assert.deepEqual([t.rows[0], t.shards[0]], [plan[i - 1].rows[1], plan[i - 1].shards[1]]);
    });
    const sizes = plan.map((t) => t.shards[1] - t.shards[0]);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `even split ${sizes}`);
  }
  assert.throws(() => planTasks(3, 1, 4), /--tasks 4 exceeds --sims 3/);
  assert.throws(() => planTasks(100, 50, 3), /exceeds the 2 shards/);
});

Deno.test("cluster: rows count as written only in whole shards of the right shape", async () => {
  const out = join(dir, "shards");
  const manifest = await begin({ model: rcModel, n: 50, seed: 4, shardSize: 10, dir: out });
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  try {
    await simulateShards({ model: rcModel, runtime, dir: out, first: 0, end: 4 });
  } finally {
    runtime.destroy();
  }
  assert.deepEqual(await missingShards(out, manifest), [4]);
  const x1 = join(out, "shards", "x-00001.npy");
  const bytes = await Deno.readFile(x1);
  await Deno.writeFile(x1, bytes.subarray(0, bytes.length - 4)); // a row cut short
  await Deno.remove(join(out, "shards", "theta-00002.npy"));
  assert.deepEqual(await missingShards(out, manifest), [1, 2, 4]);
  await Deno.writeFile(x1, bytes);
  assert.deepEqual(await missingShards(out, manifest), [2, 4]);
});

Deno.test("cluster: a dataset the tasks sharded is finished by a single-machine run that gives no shard size", async () => {
  // experiment --cluster's job after the array runs `experiment`, which simulates with the default shard size.
  const out = join(dir, "adopt"), whole = join(dir, "adopt-whole");
  const options = { model: rcModel, n: 30, seed: 9, dir: out };
  await begin({ ...options, shardSize: 10 });
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  try {
    await simulateShards({ model: rcModel, runtime, dir: out, first: 0, end: 2 });
    const { manifest: finished } = await simulateDataset({ ...options, runtime });
    assert.equal(finished.shard_size, 10);
    await simulateDataset({ ...options, dir: whole, runtime });
    await assert.rejects(simulateDataset({ ...options, shardSize: 15, runtime }), /shard_size 10 \(asked 15\)/);
  } finally {
    runtime.destroy();
  }
  await assertSameArrays(out, whole);
});

Deno.test("cluster: the Slurm script asks for the resources and runs the command quoted", () => {
  const script = slurm.script(
    {
      name: "neurosbi-x",
      command: ["/deno", "run", "it's"],
      workdir: "/repo dir",
      log: "/d/logs/task-%a.%A.out",
      gpu: true,
    },
    { partition: "gpu", gpusPerTask: 1, time: "01:00:00", extraArgs: ["--constraint=h100"] },
  );
  const header = script.split("\n").filter((l) => l.startsWith("#SBATCH "));
  assert.deepEqual(header, [
    "#SBATCH --job-name=neurosbi-x",
    "#SBATCH --output=/d/logs/task-%a.%A.out",
    "#SBATCH --ntasks=1",
    "#SBATCH --partition=gpu",
    "#SBATCH --gpus-per-task=1",
    "#SBATCH --time=01:00:00",
    "#SBATCH --constraint=h100",
  ]);
  assert.match(script, /\ncd '\/repo dir'\nexec \/deno run 'it'\\''s'\n$/);
  const cpuJob = slurm.script(
    { name: "f", command: ["true"], workdir: "/", log: "l", gpu: false },
    { gpusPerTask: 2, extraArgs: [] },
  );
  assert.doesNotMatch(cpuJob, /gpus/, "the finaliser asks for no GPU");
  assert.equal(shellQuote("a b"), "'a b'");
});

Deno.test("cluster: no sbatch on PATH gives one line, exit ≠ 0, and writes nothing", async () => {
  const out = join(dir, "no-sbatch");
  const result = await cli(
    ["cluster", "submit", "--model", "rc", "--sims", "40", "--tasks", "2", "--out", out],
    { PATH: "/nonexistent" },
  );
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /^error: no sbatch on PATH/);
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.equal(await exists(out), false);
});

Deno.test("cluster: a task given a GPU refuses to simulate on the software adapter", async () => {
  // This machine's only adapter is the software one (llvmpipe); on a GPU machine the task would simulate.
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  const software = runtime.adapterSummary.fallback;
  runtime.destroy();
  const out = join(dir, "gpu-task");
  await begin({ model: rcModel, n: 20, seed: 0, shardSize: 10, dir: out });
  await writeClusterState(out, {
    format: "neurosbi-cluster/1",
    engine: "slurm",
    recipe: { kind: "model", model: "rc" },
    tasks: planTasks(20, 10, 2),
    resources: { gpusPerTask: 1, extraArgs: [] },
    submissions: [],
  });
  const result = await cli(["cluster", "task", "--out", out, "--index", "1"]);
  if (software) {
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /task 1 was given a GPU but WebGPU found only the software adapter/);
    assert.equal(await exists(join(out, "shards", "x-00001.npy")), false);
  } else {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await exists(join(out, "shards", "x-00001.npy")), true);
  }
});

slurmTest("a 4-task RC array writes the dataset `simulate` writes, bit for bit, with logs per task", async () => {
  const out = join(dir, "rc4"), reference = join(dir, "rc-ref");
  const submit = await cli(
    ["cluster", "submit", "--engine", "slurm", "--model", "rc", "--sims", "400", "--seed", "5", "--tasks", "4"],
  );
  assert.notEqual(submit.code, 0, "--out is required");
  const submitted = await cli([
    ...["cluster", "submit", "--engine", "slurm", "--model", "rc", "--sims", "400", "--seed", "5", "--tasks", "4"],
    ...["--gpus-per-task", "0", "--time", "00:10:00", "--out", out],
  ]);
  assert.equal(submitted.code, 0, submitted.stderr);
  const ids = jobIds(submitted.stdout);
  assert.equal(ids.tasks, "0,1,2,3");
  assert.ok(ids.finalise);
  const single = await cli(["simulate", "--model", "rc", "--sims", "400", "--seed", "5", "--out", reference]);
  assert.equal(single.code, 0, single.stderr);
  const waited = await cli(["cluster", "wait", "--out", out, "--interval", "1"]);
  assert.equal(waited.code, 0, waited.stderr);
  await assertSameArrays(out, reference);
  const { manifest } = await loadDataset(out);
  assert.equal(manifest.shard_size, 100);
  assert.equal(manifest.adapter?.description, (await loadDataset(reference)).manifest.adapter?.description);
  assert.ok(manifest.simulate_seconds > 0);
  for (let i = 0; i < 4; i++) {
    const log = await Deno.readTextFile(join(out, "logs", `task-${i}.${ids.array}.out`));
    assert.match(log, new RegExp(`task ${i}: rows ${i * 100}–${(i + 1) * 100}`));
  }
  const record = JSON.parse(await Deno.readTextFile(join(out, "cluster", "tasks", "00002.json")));
  assert.deepEqual([record.job, record.rows], [`${ids.array}_2`, [200, 300]]);
  const status = await cli(["cluster", "status", "--out", out]);
  assert.match(status.stdout, /task 3: done +rows 300–400: 100 of 100 written/);
  assert.match(status.stdout, /dataset complete: 400 rows/);
  const again = await cli([
    ...["cluster", "submit", "--model", "rc", "--sims", "400", "--seed", "5", "--tasks", "4", "--gpus-per-task", "0"],
    ...["--out", out],
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already holds the complete dataset; nothing submitted/);
  assert.equal(again.stdout, "");
});

slurmTest("after scancel of one task, wait names it and a second submit reruns only its rows", async () => {
  const out = join(dir, "rc-cancel"), reference = join(dir, "rc-cancel-ref");
  const args = ["cluster", "submit", "--model", "rc", "--sims", "400", "--seed", "6", "--tasks", "4", "--out", out];
  const held = await cli([...args, "--gpus-per-task", "0", "--sbatch-arg=--hold"]);
  assert.equal(held.code, 0, held.stderr);
  const first = jobIds(held.stdout);
  const queued = await cli([...args, "--gpus-per-task", "0"]);
  assert.equal(queued.code, 0, queued.stderr);
  assert.match(queued.stderr, /nothing to submit: 4 tasks still queued or running/);
  assert.equal(queued.stdout, "");
  await run("scancel", `${first.array}_2`);
  await run("scontrol", "release", first.array!);
  const failed = await cli(["cluster", "wait", "--out", out, "--interval", "1"]);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /^error: task 2 \(.*\) failed; logs in .*; run cluster submit again/m);
  assert.doesNotMatch(failed.stderr, /task[s]? [013] /);

  const resubmitted = await cli([...args, "--gpus-per-task", "0"]);
  assert.equal(resubmitted.code, 0, resubmitted.stderr);
  const second = jobIds(resubmitted.stdout);
  assert.equal(second.tasks, "2", "only the cancelled task");
  const done = await cli(["cluster", "wait", "--out", out, "--interval", "1"]);
  assert.equal(done.code, 0, done.stderr);
  const single = await cli(["simulate", "--model", "rc", "--sims", "400", "--seed", "6", "--out", reference]);
  assert.equal(single.code, 0, single.stderr);
  await assertSameArrays(out, reference);
  const status = (await cli(["cluster", "status", "--out", out])).stdout;
  assert.match(status, new RegExp(`task 1: done .* job ${first.array}_1 `));
  assert.match(status, new RegExp(`task 2: done .* job ${second.array}_2 `));
  // The first finalising job waited on the cancelled task: withdrawn, not left pending forever.
  const queue = await run("squeue", "--noheader", "--format=%i");
  assert.doesNotMatch(queue, new RegExp(`^${first.finalise}$`, "m"));
});

slurmTest("a finalising job that never ran is resubmitted alone once every task is done", async () => {
  const out = join(dir, "rc-finalise"), reference = join(dir, "rc-finalise-ref");
  const args = ["cluster", "submit", "--model", "rc", "--sims", "60", "--seed", "8", "--tasks", "2", "--out", out];
  const held = await cli([...args, "--gpus-per-task", "0", "--sbatch-arg=--hold"]);
  assert.equal(held.code, 0, held.stderr);
  const first = jobIds(held.stdout);
  await run("scancel", first.finalise!);
  await run("scontrol", "release", first.array!);
  const failed = await cli(["cluster", "wait", "--out", out, "--interval", "1"]);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, new RegExp(`^error: the finalising job ${first.finalise} failed`, "m"));
  const resubmitted = await cli([...args, "--gpus-per-task", "0"]);
  assert.equal(resubmitted.code, 0, resubmitted.stderr);
  const second = jobIds(resubmitted.stdout);
  assert.equal(second.array, undefined, `no task reruns: ${resubmitted.stdout}`);
  assert.ok(second.finalise);
  const done = await cli(["cluster", "wait", "--out", out, "--interval", "1"]);
  assert.equal(done.code, 0, done.stderr);
  const single = await cli(["simulate", "--model", "rc", "--sims", "60", "--seed", "8", "--out", reference]);
  assert.equal(single.code, 0, single.stderr);
  await assertSameArrays(out, reference);
});

slurmTest("bad input submits nothing: sbatch refusing, K > N, a folder of another dataset", async () => {
  const before = await run("squeue", "--noheader", "--format=%i");
  const refused = join(dir, "refused");
  const cases: [string[], RegExp, string][] = [
    [
      ["--sims", "40", "--tasks", "2", "--partition", "no-such-partition"],
      /sbatch refused the job: .*partition/i,
      refused,
    ],
    [["--sims", "3", "--tasks", "4"], /--tasks 4 exceeds --sims 3/, join(dir, "k-over-n")],
  ];
  const other = join(dir, "other");
  assert.equal((await cli(["simulate", "--model", "rc", "--sims", "40", "--seed", "1", "--out", other])).code, 0);
  cases.push([["--sims", "40", "--seed", "2", "--tasks", "2"], /another run: seed 1 \(asked 2\)/, other]);
  for (const [args, message, out] of cases) {
    const result = await cli(["cluster", "submit", "--model", "rc", "--gpus-per-task", "0", ...args, "--out", out]);
    assert.notEqual(result.code, 0, args.join(" "));
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  }
  // An experiment's folder is checked as without --cluster: a dataset folder is no run.
  const experiment = await cli(
    ["experiment", "--name", "rc", "--cluster", "slurm", "--tasks", "2", "--gpus-per-task", "0", "--out", other],
  );
  assert.notEqual(experiment.code, 0);
  assert.match(experiment.stderr, /^error: .*other is not empty and holds no experiment run/);
  assert.equal(await exists(refused), false, "nothing written after sbatch refused");
  assert.equal(await exists(join(dir, "k-over-n")), false);
  assert.deepEqual([...Deno.readDirSync(other)].map((e) => e.name).sort(), ["manifest.json", "theta.npy", "x.npy"]);
  assert.equal(await run("squeue", "--noheader", "--format=%i"), before, "nothing submitted");
});

slurmTest("experiment --cluster: an HNN training set as a 2-task array, training as a job after it", async () => {
  const out = join(dir, "hnn-run");
  const submitted = await cli([
    ...["experiment", "--name", "hnn-rc", "--sims", "4", "--noise", "--seed", "1", "--max-epochs", "3"],
    ...["--cluster", "slurm", "--tasks", "2", "--gpus-per-task", "0", "--sbatch-arg=--hold", "--out", out],
  ]);
  assert.equal(submitted.code, 0, submitted.stderr);
  const ids = jobIds(submitted.stdout);
  assert.equal(ids.tasks, "0,1");
  const dependency = async (job: string) => /Dependency=(\S+)/.exec(await run("scontrol", "show", "job", job))?.[1];
  assert.match((await dependency(ids.finalise!))!, new RegExp(`^afterok:${ids.array}_\\*`));
  assert.match((await dependency(ids.after!))!, new RegExp(`^afterok:${ids.finalise}\\(`));
  const after = await Deno.readTextFile(join(out, "dataset", "cluster", "after.sh"));
  assert.match(after, new RegExp(`lib/cli/main.ts experiment --name hnn-rc --size small --out ${out} `));
  assert.match(after, / --sims 4 --flow maf --seed 1 --max-epochs 3 --backend auto\n/);
  assert.doesNotMatch(after, /--cluster|--tasks/);
  assert.match(after, /#SBATCH --job-name=neurosbi-hnn-run-after\n/);
  // Training and checks would take minutes here: run the array and the finaliser only.
  await run("scancel", ids.after!);
  await run("scontrol", "release", ids.array!);
  await run("scontrol", "release", ids.finalise!);
  const waited = await cli(["cluster", "wait", "--out", join(out, "dataset"), "--interval", "1"]);
  assert.equal(waited.code, 0, waited.stderr);

  // The run is recorded as submitted, and the job after the dataset (experiment without --cluster) resumes it.
  const options = {
    config: EXPERIMENTS["hnn-rc"],
    size: "small" as const,
    out,
    noise: true,
    seed: 1,
    budget: { sims: 4 },
    maxEpochs: 3,
  };
  const record = JSON.parse(await Deno.readTextFile(join(out, "experiment.json")));
  assert.deepEqual([record.status, record.cluster, record.seed, record.budget.sims], ["submitted", "slurm", 1, 4]);
  const simulator = EXPERIMENTS["hnn-rc"].simulator(EXPERIMENTS["hnn-rc"].dtMs);
  assert.equal((await checkExperimentFolder(options, simulator))?.submitted, record.submitted);

  const reference = join(dir, "hnn-ref");
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  try {
    const dataset = experimentDataset({ ...options, out: reference });
    await simulateDataset({ ...dataset, runtime });
  } finally {
    runtime.destroy();
  }
  await assertSameArrays(join(out, "dataset"), join(reference, "dataset"));
  const { manifest } = await loadDataset(join(out, "dataset"));
  assert.deepEqual([manifest.model, manifest.n, manifest.seed, manifest.shard_size], ["hnn-rc", 4, 100, 2]);
});
