/**
 * One command line: the same model names everywhere, one flag per count (old spellings still accepted, not listed),
 * each diagnose subcommand with its own flags only, observation noise on by default, `serve --runs` defaulting to
 * runs/, and `train --noise` adding the noise an experiment's generative model adds.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Command } from "@commander-js/extra-typings";
import { type ExperimentArgs, experimentCommandLine } from "../lib/cli/experiment.ts";
import { buildProgram } from "../lib/cli/main.ts";
import { rowSeeds } from "../lib/data/dataset.ts";
import { addObservationNoise, withObservationNoise } from "../lib/experiments/checks.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { rcModel } from "../lib/models/rc.ts";
import { cli } from "./reference/cli.ts";

const dir = await Deno.makeTempDir({ prefix: "neurosbi-flags-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

/** The subcommand at `path` (e.g. ["diagnose", "sbc"]) of a fresh program. */
function command(program: Command, ...path: string[]): Command {
  // deno-lint-ignore no-explicit-any
  let at: any = program;
  for (const name of path) at = at.commands.find((c: Command) => c.name() === name);
  return at;
}

/** The long flags a command's help lists. */
function listed(...path: string[]): string[] {
  return [...command(buildProgram(), ...path).helpInformation().matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)]
    .map((m) => m[1]).filter((f) => f !== "--help");
}

/** The options a command parses from `args`, without running it. */
async function parsed(path: string[], args: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram().exitOverride();
  const target = command(program, ...path).exitOverride();
  let options: Record<string, unknown> = {};
  target.action(() => {
    options = target.opts();
  });
  await program.parseAsync([...path, ...args], { from: "user" });
  return options;
}

Deno.test("cli flags: each diagnose subcommand lists only its own flags", () => {
  assert.deepEqual(listed("diagnose", "overlap"), ["--a", "--b", "--out"]);
  assert.deepEqual(listed("diagnose", "c2st"), ["--a", "--b", "--out", "--seed"]);
  for (const check of ["sbc", "coverage"]) {
    assert.deepEqual(listed("diagnose", check), ["--run", "--out", "--seed", "--backend", "--pairs", "--samples"]);
  }
  assert.deepEqual(listed("diagnose", "recovery"), [
    "--run",
    "--out",
    "--seed",
    "--backend",
    "--grid-points",
    "--grid-samples",
    "--predictive-sims",
  ]);
});

Deno.test("cli flags: counts are --samples and --sims; the old --n still works but is not listed", async () => {
  assert.ok(listed("sample").includes("--samples") && !listed("sample").includes("--n"));
  assert.ok(listed("simulate").includes("--sims") && !listed("simulate").includes("--n"));
  const sample = ["--posterior", "P", "--x", "X", "--out", "S"];
  assert.equal((await parsed(["sample"], [...sample, "--n", "50"])).n, 50);
  assert.equal((await parsed(["sample"], sample)).samples, 10_000);
  const both = await cli("simulate", "--model", "rc", "--sims", "5", "--n", "5", "--out", join(dir, "both"));
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /give --sims once \(--n is its old spelling\)/);
});

Deno.test("cli flags: the old model names are accepted for the experiments' names", async () => {
  assert.equal((await parsed(["experiment"], ["--name", "hnn-erp", "--dry-run"])).name, "erp");
  assert.equal((await parsed(["experiment"], ["--name", "hnn-beta", "--dry-run"])).name, "beta");
  await assert.rejects(parsed(["experiment"], ["--name", "lif"]), /must be one of rc, hnn-rc, beta, erp/);
});

Deno.test("cli flags: observation noise is on unless --no-noise, and the recorded command keeps the choice", async () => {
  assert.equal((await parsed(["experiment"], ["--name", "rc"])).noise, true);
  assert.equal((await parsed(["experiment"], ["--name", "rc", "--noise"])).noise, true);
  assert.equal((await parsed(["experiment"], ["--name", "rc", "--no-noise"])).noise, false);
  assert.ok(!listed("experiment").includes("--noise") && listed("experiment").includes("--no-noise"));
  const args: ExperimentArgs = {
    config: "my.json",
    size: "small",
    out: "runs/x",
    flow: "maf",
    noise: false,
    seed: 0,
    backend: "auto",
  };
  const line = experimentCommandLine(args);
  assert.match(line, / --config \/\S+\/my\.json .* --no-noise /);
  const words = line.split(" ").slice(line.split(" ").indexOf("experiment") + 1);
  assert.equal((await parsed(["experiment"], words)).noise, false);
});

Deno.test("cli flags: serve --runs defaults to runs/", async () => {
  assert.equal((await parsed(["serve"], [])).runs, "runs");
  assert.equal((await parsed(["serve"], ["--runs", "elsewhere"])).runs, "elsewhere");
});

Deno.test("cli flags: train --noise adds each row's noise as the experiment's generative model does", async () => {
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  try {
    const theta = new Float32Array(rcModel.prior.fromUnit([0.2, 0.4, 0.5, 0.9, 0.1, 0.3]));
    const seeds = rowSeeds(3, 10, 4, 2);
    const noisy = await withObservationNoise(rcModel, 0.25).simulate(runtime, theta, { seeds });
    const clean = await rcModel.simulate(runtime, theta, { seeds });
    const differences = noisy.map((v, k) => Math.abs(v - clean[k]));
    assert.ok(Math.max(...differences) <= 0.25 + 1e-6 && Math.max(...differences) > 0.2, "uniform on ±0.25");
    assert.deepEqual(addObservationNoise(clean, rcModel.timesMs.length, 0.25, seeds), noisy);
  } finally {
    runtime.destroy();
  }
});

Deno.test("cli flags: train --noise takes the experiment's noise, or a given sd, and says which", async () => {
  const data = join(dir, "rc-data");
  const simulated = await cli("simulate", "--model", "rc", "--sims", "200", "--out", data);
  assert.equal(simulated.code, 0, simulated.stderr);
  const own = await cli("train", "--data", data, "--out", join(dir, "p1"), "--max-epochs", "1", "--noise");
  assert.equal(own.code, 0, own.stderr);
  assert.match(own.stderr, /observation noise U\(±0\.173\) on x/, "the RC experiment's sd 0.1 mV");
  const given = await cli("train", "--data", data, "--out", join(dir, "p2"), "--max-epochs", "1", "--noise", "0.5");
  assert.equal(given.code, 0, given.stderr);
  assert.match(given.stderr, /observation noise U\(±0\.866\) on x/);
});
