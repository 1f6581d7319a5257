/**
 * The paper-size run's machinery at a tiny size on this machine's adapter (docs/paper-runs.md): a time-budgeted step
 * stops and resumes, the two-machine flow (simulate, pack, train elsewhere, check without the dataset's arrays) ends
 * in a complete run, which packs, unpacks and is served; a run resumed after training keeps the checks it wrote and
 * resumes the recovery grid; and packs keep to their file limits and refuse damaged parts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXPERIMENTS } from "../lib/experiments/configs.ts";
import { isResultFile } from "../lib/runs/paths.ts";
import { packRun } from "../lib/pack/pack.ts";
import type { PackManifest } from "../lib/runs/types.ts";
import { unpackRun } from "../lib/pack/unpack.ts";
import { createApp } from "../lib/server/app.tsx";
import { cli } from "./reference/cli.ts";
import { makeTinyRcRun } from "./reference/tiny_run.ts";

const SCRIPT = new URL("../bench/paper-run.sh", import.meta.url).pathname;
const RUN = "erp-tiny-small";

/** The ERP experiment with a 30 ms window, 24 networks in shards of 6 and checks of a handful of draws. */
async function tinyErpFile(dir: string): Promise<string> {
  const document = structuredClone(EXPERIMENTS.erp.document) as Record<string, unknown>;
  Object.assign(document, {
    name: "erp-tiny",
    tstop_ms: 30,
    summary: "pca4",
    recordings: [],
    budgets: {
      small: {
        sims: 24,
        sbc_pairs: 4,
        sbc_samples: 20,
        grid_points: 1,
        grid_samples: 20,
        predictive_sims: 2,
        observation_samples: 40,
      },
    },
  });
  const path = join(dir, "erp-tiny.json");
  await Deno.writeTextFile(path, JSON.stringify(document));
  return path;
}

async function script(...args: string[]) {
  const result = await new Deno.Command("bash", { args: [SCRIPT, ...args], env: { NO_COLOR: "1" } }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: result.code, stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(dir, prefix))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await filesUnder(dir, path));
    else out.push(path);
  }
  return out.sort();
}

Deno.test({
  name: "paper run: steps stop at their budget and resume; simulate → pack → train elsewhere → checks → served",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "neurosbi-paper-" });
    try {
      const config = await tinyErpFile(root);
      const common = ["--size", "small", "--shard-size", "6"];
      const gpu = join(root, "gpu");

      // A step whose budget runs out first stops the run, resumable, and says what is left.
      const first = await cli(
        "experiment",
        "--config",
        config,
        "--out",
        join(gpu, RUN),
        ...common,
        "--until",
        "dataset",
        "--time-budget",
        "2",
        // The options the steps below resume it with: a step that began the run recorded them.
        "--max-epochs",
        "2",
      );
      assert.equal(first.code, 75, first.stderr);
      assert.match(first.stdout, /time budget of 2 s spent/);
      assert.doesNotMatch(first.stdout, /dataset: 24 of 24/);
      assert.equal(await exists(join(gpu, RUN, "run.lock")), false, "the stopped step's lock is gone");

      // The script resumes it to the end of its dataset, and packs it with its arrays (they fit).
      const simulated = await script(
        ...common,
        "--budget",
        "300",
        "--runs",
        gpu,
        "--until",
        "dataset",
        "--pack",
        join(root, "packA"),
        config,
        "--",
        "--max-epochs",
        "2",
      );
      assert.equal(simulated.code, 0, simulated.stderr);
      assert.match(simulated.stdout, /dataset: 24 of 24 networks \(4 of 4 shards\)/);
      assert.match(simulated.stdout, /training: not started/);
      const packA: PackManifest = await readJson(join(root, "packA", RUN, "pack.json"));
      assert.deepEqual(packA.left_behind, []);

      // Elsewhere (a CPU machine): unpack, train, stop; then pack without the dataset's arrays.
      const cpu = join(root, "cpu");
      assert.equal((await cli("unpack", join(root, "packA", RUN), "--runs", cpu)).code, 0);
      assert.ok(await exists(join(cpu, RUN, "dataset", "x.npy")));
      const trained = await script(
        ...common,
        "--budget",
        "300",
        "--runs",
        cpu,
        "--until",
        "training",
        config,
        "--",
        "--max-epochs",
        "2",
      );
      assert.equal(trained.code, 0, trained.stderr);
      assert.equal((await readJson(join(cpu, RUN, "training.json"))).epochs.length, 2);
      assert.equal(await exists(join(cpu, RUN, "diagnostics", "sbc.json")), false);
      const packB = await cli("pack", join(cpu, RUN), "--out", join(root, "packB"), "--no-dataset");
      assert.equal(packB.code, 0, packB.stderr);
      assert.match(packB.stdout, /left behind: 2 files of the dataset/);

      // Back on the GPU machine: the checks need no dataset arrays; then pack and copy the results.
      const gpu2 = join(root, "gpu2");
      assert.equal((await cli("unpack", join(root, "packB"), "--runs", gpu2)).code, 0);
      assert.equal(await exists(join(gpu2, RUN, "dataset", "x.npy")), false);
      const results = join(root, "results");
      const checked = await script(
        ...common,
        "--budget",
        "300",
        "--runs",
        gpu2,
        "--pack",
        join(root, "packC"),
        "--results",
        results,
        config,
        "--",
        "--max-epochs",
        "2",
      );
      assert.equal(checked.code, 0, checked.stderr);
      assert.match(checked.stdout, /every run is done/);
      const record = await readJson(join(gpu2, RUN, "experiment.json"));
      assert.equal(record.status, "complete");
      assert.equal(record.results.training_epochs, 2, "the training done elsewhere is kept");
      const runFiles = await filesUnder(join(gpu2, RUN));
      assert.deepEqual(await filesUnder(join(results, RUN)), runFiles.filter(isResultFile));
      assert.ok((await filesUnder(join(results, RUN))).includes("diagnostics/sbc.json"));

      // On a laptop: unpack and serve.
      const laptop = join(root, "laptop");
      assert.equal((await cli("unpack", join(root, "packC", RUN), "--runs", laptop)).code, 0);
      const app = await createApp(laptop);
      const page = async (path: string) => {
        const response = await app.request(`/runs/${RUN}/${path}`);
        assert.equal(response.status, 200, path);
        return await response.text();
      };
      assert.match(await page(""), /<th>training simulations<\/th><td>24<\/td>/);
      assert.match(await page(""), /<th>epochs<\/th><td>2<\/td>/);
      const diagnostics = await page("diagnostics");
      assert.equal(diagnostics.match(/dist_inh: KS p =/g)?.length, 1);
      assert.match(await page("posterior?obs=a"), /red: the ground truth/);
      assert.match(await page("waveforms?obs=b"), /<svg/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("pack: the dataset's arrays stay behind when the run does not fit otherwise; damaged parts are refused", async () => {
  const root = await Deno.makeTempDir({ prefix: "neurosbi-pack-" });
  try {
    const run = join(root, "runs", "big-run");
    await Deno.mkdir(join(run, "dataset"), { recursive: true });
    await Deno.writeTextFile(join(run, "experiment.json"), JSON.stringify({ name: "big", status: "complete" }));
    await Deno.writeTextFile(join(run, "run.lock"), "{}");
    await Deno.writeTextFile(join(run, "dataset", "manifest.json"), JSON.stringify({ n: 1 }));
    // Random bytes do not compress: 200 KiB of them cannot fit in 2 parts of 64 KiB.
    const noise = new Uint8Array(200 * 1024);
    for (let i = 0; i < noise.length; i += 65536) crypto.getRandomValues(noise.subarray(i, i + 65536));
    await Deno.writeFile(join(run, "dataset", "x.npy"), noise);
    const options = { maxFiles: 3, partBytes: 64 * 1024, dataset: "auto" as const };

    const manifest = await packRun(run, join(root, "pack"), options);
    assert.deepEqual(manifest.left_behind, [{ path: "dataset/x.npy", bytes: noise.length }]);
    assert.match(manifest.left_behind_reason!, /do not fit in 2 parts/);
    assert.equal(manifest.files, 2, "experiment.json and the dataset's manifest; never run.lock");
    const packed = await filesUnder(join(root, "pack"));
    assert.ok(packed.length <= 3 && packed.includes("pack.json"), packed.join(", "));

    const back = await unpackRun(join(root, "pack"), join(root, "laptop"));
    assert.deepEqual(await filesUnder(back), ["dataset/manifest.json", "experiment.json", "pack.json"]);
    await assert.rejects(() => unpackRun(join(root, "pack"), join(root, "laptop")), /exists already/);

    // With room for the arrays they travel, byte for byte.
    const whole = await packRun(run, join(root, "pack-whole"), { ...options, maxFiles: 6 });
    assert.deepEqual(whole.left_behind, []);
    const copy = await unpackRun(join(root, "pack-whole"), join(root, "laptop2"));
    assert.deepEqual(await Deno.readFile(join(copy, "dataset", "x.npy")), noise);

    // Nothing fits: refused, nothing written.
    await assert.rejects(
      () => packRun(run, join(root, "pack-tiny"), { ...options, partBytes: 16 }),
      /does not fit in 2 parts of 16 B even without the dataset's arrays/,
    );
    assert.equal(await exists(join(root, "pack-tiny")), false);

    // A damaged part is refused before anything is extracted.
    const part = join(root, "pack-whole", whole.parts[0].file);
    const bytes = await Deno.readFile(part);
    bytes[100] ^= 0xff;
    await Deno.writeFile(part, bytes);
    await assert.rejects(() => unpackRun(join(root, "pack-whole"), join(root, "laptop3")), /size or SHA-256 differ/);
    assert.equal(await exists(join(root, "laptop3", "big-run")), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("paper run: bad input is refused with one line and nothing written", async () => {
  const root = await Deno.makeTempDir({ prefix: "neurosbi-paper-bad-" });
  try {
    const out = join(root, "erp-paper");
    const both = await cli(
      "experiment",
      "--name",
      "erp",
      "--size",
      "paper",
      "--out",
      out,
      "--time-budget",
      "60",
      "--cluster",
      "slurm",
      "--tasks",
      "2",
    );
    assert.equal(both.code, 1);
    assert.match(both.stderr, /--time-budget and --cluster exclude each other/);
    const stage = await cli("experiment", "--name", "erp", "--out", out, "--until", "checks");
    assert.notEqual(stage.code, 0);
    assert.match(stage.stderr, /--until.*dataset, training/);
    const notRun = await cli("pack", root, "--out", join(root, "pack"));
    assert.equal(notRun.code, 1);
    assert.match(notRun.stderr, /is not a run folder \(no experiment\.json\)/);
    const noPack = await cli("unpack", root, "--runs", join(root, "runs"));
    assert.equal(noPack.code, 1);
    assert.match(noPack.stderr, /holds no readable pack\.json/);
    assert.deepEqual(await filesUnder(root), []);
    const script1 = await script("--budget", "soon");
    assert.equal(script1.code, 2);
    assert.match(script1.stderr, /--budget must be whole seconds/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "paper run: a run resumed after training keeps the checks it wrote and resumes the recovery grid",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "neurosbi-paper-checks-" });
    try {
      const out = join(root, "rc-tiny");
      await makeTinyRcRun(out);
      const read = (path: string) => readJson(join(out, path));
      const write = (path: string, value: unknown) => Deno.writeTextFile(join(out, path), JSON.stringify(value));
      const recovery = await read("diagnostics/recovery.json");
      const [first, second] = EXPERIMENTS.rc.observations.map((o) => o.id);
      const secondRecord = await read(`observations/${second}.json`);
      // As if stopped during the grid: SBC and the first observation written (marked, to see them kept), the grid
      // three points in (its first point marked), the second observation not yet written.
      await write("experiment.json", { ...(await read("experiment.json")), status: "running" });
      const sbc = await read("diagnostics/sbc.json");
      sbc.ks[0].pValue = 0.123456;
      await write("diagnostics/sbc.json", sbc);
      await write(`observations/${first}.json`, { ...(await read(`observations/${first}.json`)), label: "kept" });
      const points = [0, 1, 2].map((i) => ({
        error: i === 0 ? [0.5, 0.5, 0.5] : recovery.recovery_error[i],
        q025: recovery.posterior_q025[i],
        median: recovery.posterior_median[i],
        q975: recovery.posterior_q975[i],
        rmse: recovery.predictive_rmse[i],
      }));
      await write("diagnostics/recovery.partial.json", { points });
      await Deno.remove(join(out, "diagnostics", "recovery.json"));
      await Deno.remove(join(out, `observations/${second}.json`));

      const resumed = await makeTinyRcRun(out);
      assert.equal(resumed.status, "complete");
      assert.equal((await read("diagnostics/sbc.json")).ks[0].pValue, 0.123456, "SBC kept, not rerun");
      assert.equal((await read(`observations/${first}.json`)).label, "kept");
      const grid = await read("diagnostics/recovery.json");
      assert.deepEqual(grid.recovery_error[0], [0.5, 0.5, 0.5], "the grid's kept points are not recomputed");
      assert.deepEqual(grid.recovery_error.slice(1), recovery.recovery_error.slice(1), "the rest as in one go");
      assert.deepEqual(grid.predictive_rmse, recovery.predictive_rmse);
      assert.equal(await exists(join(out, "diagnostics", "recovery.partial.json")), false);
      assert.deepEqual((await read(`observations/${second}.json`)).samples, secondRecord.samples);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
