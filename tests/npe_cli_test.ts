import assert from "node:assert/strict";
import { join } from "node:path";
import { DATASET_FORMAT, type DatasetManifest } from "../lib/data/dataset.ts";
import { encodeNpy } from "../lib/data/npy.ts";
import { gaussianLinear } from "../lib/sbibm/gaussian_linear.ts";
import { simulateTask } from "../lib/sbibm/simulate.ts";
import { cli, cliCommand } from "./reference/cli.ts";

const dir = await Deno.makeTempDir({ prefix: "neurosbi-npe-cli-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

/** A dataset folder as lib/data/dataset.ts writes it, with θ in a box prior. */
async function writeDataset(path: string, rows: number): Promise<void> {
  await Deno.mkdir(path, { recursive: true });
  const pairs = simulateTask(gaussianLinear, Math.max(rows, 1), 5);
  const theta = pairs.theta.slice(0, rows * 10).map((v) => Math.max(-1, Math.min(1, v)));
  const x = pairs.x.slice(0, rows * 10);
  const names = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);
  const manifest: DatasetManifest = {
    format: DATASET_FORMAT,
    status: "complete",
    model: "test",
    prior: names.map((name) => ({ name, low: -1, high: 1, scale: "linear" })),
    seed: 5,
    n: rows,
    shard_size: Math.max(rows, 1),
    dt_ms: 1,
    times_ms: Array.from({ length: 10 }, (_, i) => i),
    theta_names: names,
    created: new Date().toISOString(),
    simulate_seconds: 0,
  };
  await Deno.writeFile(join(path, "theta.npy"), encodeNpy({ rows, cols: 10, data: theta }));
  await Deno.writeFile(join(path, "x.npy"), encodeNpy({ rows, cols: 10, data: x }));
  await Deno.writeTextFile(join(path, "manifest.json"), JSON.stringify(manifest));
}

Deno.test("cli: train → sample writes samples with the prior's names; bad input fails with one line", async () => {
  const data = join(dir, "data"), posterior = join(dir, "posterior");
  await writeDataset(data, 300);
  const trained = await cli(
    "train",
    "--data",
    data,
    "--flow",
    "nsf",
    "--out",
    posterior,
    "--max-epochs",
    "2",
    "--backend",
    "wasm",
  );
  assert.equal(trained.code, 0, trained.stderr);
  assert.match(trained.stderr, /epoch +2 +train -?\d+\.\d+ +validation/);
  assert.match(trained.stdout, /saved posterior to .*: 2 epochs/);

  await Deno.writeTextFile(join(dir, "x.csv"), Array.from({ length: 10 }, (_, i) => i / 20).join(",") + "\n");
  const out = join(dir, "samples.csv");
  const sampled = await cli("sample", "--posterior", posterior, "--x", join(dir, "x.csv"), "--n", "50", "--out", out);
  assert.equal(sampled.code, 0, sampled.stderr);
  const lines = (await Deno.readTextFile(out)).trim().split("\n");
  assert.equal(lines[0], "p1,p2,p3,p4,p5,p6,p7,p8,p9,p10");
  assert.equal(lines.length, 51);

  await Deno.writeTextFile(join(dir, "short.csv"), "1,2,3\n");
  const failures = [
    await cli("sample", "--posterior", posterior, "--x", join(dir, "short.csv"), "--out", out),
    await cli("sample", "--posterior", join(dir, "missing"), "--x", join(dir, "x.csv"), "--out", out),
    // Output paths are checked before sampling: a missing folder, a folder in place of the file.
    await cli("sample", "--posterior", posterior, "--x", join(dir, "x.csv"), "--out", join(dir, "nofolder", "s.csv")),
    await cli("sample", "--posterior", posterior, "--x", join(dir, "x.csv"), "--out", posterior),
  ];
  assert.match(failures[0].stderr, /^error: .*short.csv has 3 values, the posterior was trained on x of 10\n$/);
  assert.match(failures[1].stderr, /^error: .*missing holds no trained posterior/);
  assert.match(failures[2].stderr, /^error: cannot write to .*s.csv: its folder .*nofolder does not exist\n$/);
  assert.match(failures[3].stderr, /^error: cannot write to .*posterior: it is a folder\n$/);
  for (const f of failures) assert.equal(f.code, 1);
  await assert.rejects(() => Deno.stat(join(dir, "nofolder")), Deno.errors.NotFound);
});

Deno.test("cli: an empty dataset, a corrupt checkpoint or a folder that is no posterior's is a clear error", async () => {
  const empty = join(dir, "empty");
  await writeDataset(empty, 0);
  const a = await cli("train", "--data", empty, "--out", join(dir, "p-empty"));
  assert.equal(a.code, 1);
  assert.match(a.stderr, /error: .*empty dataset/);

  const data = join(dir, "data2"), out = join(dir, "p-corrupt");
  await writeDataset(data, 100);
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(join(out, "checkpoint.bin"), "not a checkpoint");
  const b = await cli("train", "--data", data, "--out", out, "--max-epochs", "1", "--backend", "wasm");
  assert.equal(b.code, 1);
  assert.match(b.stderr, /error: checkpoint .*checkpoint.bin is corrupt/);

  // A folder that is no posterior's (here the dataset itself) gets nothing added.
  const before = [...Deno.readDirSync(data)].map((e) => e.name).sort();
  const c = await cli("train", "--data", data, "--out", data, "--max-epochs", "1", "--backend", "wasm");
  assert.equal(c.code, 1);
  assert.match(c.stderr, /^error: .*data2 is not empty and holds no posterior: give a new or empty folder/);
  assert.deepEqual([...Deno.readDirSync(data)].map((e) => e.name).sort(), before);
});

Deno.test("cli: a manifest training cannot use fails in one line naming the file and field, before any epoch", async () => {
  const data = join(dir, "data-manifest");
  await writeDataset(data, 50);
  const path = join(data, "manifest.json");
  const good: DatasetManifest = JSON.parse(await Deno.readTextFile(path));
  const broken: [Partial<DatasetManifest>, RegExp][] = [
    [{ prior: [] }, /manifest\.json: prior must list at least one parameter\n$/],
    [{ prior: undefined }, /manifest\.json: prior must list at least one parameter\n$/],
    [{ theta_names: good.theta_names.slice(1) }, /manifest\.json: theta_names must name θ's columns as the prior/],
    [
      { prior: good.prior.map((p, i) => i === 2 ? { ...p, low: 1, high: -1 } : p) },
      /manifest\.json: prior parameter p3: bounds must be finite with low < high/,
    ],
    [
      { prior: good.prior.map((p) => ({ ...p, scale: "log" as "log10" })) },
      /manifest\.json: prior\[0\]\.scale must be/,
    ],
    [{ times_ms: [] }, /manifest\.json: times_ms must list the finite time of each column of x\n$/],
    [{ times_ms: good.times_ms.slice(1) }, /x\.npy is 50×10, the manifest says 50×9\n$/],
  ];
  for (const [change, message] of broken) {
    await Deno.writeTextFile(path, JSON.stringify({ ...good, ...change }));
    const out = join(dir, "p-manifest");
    const run = await cli("train", "--data", data, "--out", out, "--backend", "wasm");
    assert.equal(run.code, 1, JSON.stringify(change));
    assert.match(run.stderr, /^error: /);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  }
});

/** Start `train`, kill it (SIGKILL, no chance to clean up) once epoch `epoch` is reported; returns its stderr. */
async function trainKilledAfter(epoch: number, args: string[]): Promise<string> {
  const child = cliCommand("train", ...args).spawn();
  const decoder = new TextDecoder();
  let stderr = "";
  for await (const chunk of child.stderr) {
    stderr += decoder.decode(chunk, { stream: true });
    if (new RegExp(`epoch +${epoch} `).test(stderr)) {
      child.kill("SIGKILL");
      break;
    }
  }
  await child.stdout.cancel();
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", `train ended on its own before epoch ${epoch} was reported:\n${stderr}`);
  return stderr;
}

Deno.test("cli: train killed between epochs and run again ends with the same weights, bit for bit", async () => {
  const data = join(dir, "data-resume");
  await writeDataset(data, 300);
  // 14 Adam steps per epoch: enough for any state lost in the restart to show in the weights.
  const args = (out: string) => [
    "--data",
    data,
    "--out",
    out,
    "--batch-size",
    "20",
    "--max-epochs",
    "5",
    "--seed",
    "2",
    "--backend",
    "wasm",
  ];
  const whole = join(dir, "p-whole"), resumed = join(dir, "p-resumed");
  const uninterrupted = await cli("train", ...args(whole));
  assert.equal(uninterrupted.code, 0, uninterrupted.stderr);

  await trainKilledAfter(2, args(resumed));
  await Deno.stat(join(resumed, "checkpoint.bin"));
  await assert.rejects(Deno.stat(join(resumed, "posterior.json")), Deno.errors.NotFound);
  const second = await cli("train", ...args(resumed));
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /resuming from the checkpoint after epoch [234]\n/);
  await assert.rejects(Deno.stat(join(resumed, "checkpoint.bin")), Deno.errors.NotFound);

  // Counted rather than deepEqual'd: assert's diff of two large byte arrays takes minutes.
  const [a, b] = [await Deno.readFile(join(whole, "weights.bin")), await Deno.readFile(join(resumed, "weights.bin"))];
  assert.equal(b.length, a.length);
  assert.equal(b.filter((byte, i) => byte !== a[i]).length, 0, "bytes of weights.bin unlike the uninterrupted run's");
  const training = async (out: string) => {
    const { epochs, best_epoch, best_validation_loss } = JSON.parse(
      await Deno.readTextFile(join(out, "posterior.json")),
    ).training;
    return { epochs, best_epoch, best_validation_loss };
  };
  assert.deepEqual(await training(resumed), await training(whole));
});

Deno.test("cli: sbibm writes 10,000 samples with sbibm's header", async () => {
  const out = join(dir, "two_moons.csv");
  const run = await cli(
    "sbibm",
    "--task",
    "two_moons",
    "--sims",
    "300",
    "--observation",
    "1",
    "--out",
    out,
    "--max-epochs",
    "1",
    "--backend",
    "wasm",
  );
  assert.equal(run.code, 0, run.stderr);
  const lines = (await Deno.readTextFile(out)).trim().split("\n");
  assert.equal(lines[0], "parameter_1,parameter_2");
  assert.equal(lines.length, 10_001);
  assert.ok(lines.slice(1).every((l) => l.split(",").every((v) => Math.abs(Number(v)) <= 1)), "inside the prior");
});
