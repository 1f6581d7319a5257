/**
 * SBC and coverage kept pair by pair (docs/runs.md): a tiny RC run killed in the middle of SBC resumes after its
 * kept pairs and writes the same sbc.json and coverage.json as a run done in one go; kept pairs are used as kept,
 * and pairs (or grid points) kept under other settings (another budget) are not reused.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describeRunProgress, readRunProgress } from "../lib/experiments/run_progress.ts";
import { makeTinyRcRun, tinyRunCommand, waitFor } from "./reference/tiny_run.ts";

/** Enough pairs that SBC takes seconds, so the run is caught in the middle of it. */
const BUDGET = { sbcPairs: 24 };
const PARTIAL = "diagnostics/sbc.partial.json";

const readJson = async (path: string) => JSON.parse(await Deno.readTextFile(path));
const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** A copy of the complete run `from` as if stopped before SBC: its later checks stay, kept by the resumed run. */
async function beforeSbc(from: string, to: string): Promise<void> {
  const copy = await new Deno.Command("cp", { args: ["-a", from, to] }).output();
  assert.equal(copy.code, 0);
  const experiment = await readJson(join(to, "experiment.json"));
  await Deno.writeTextFile(join(to, "experiment.json"), JSON.stringify({ ...experiment, status: "running" }));
  for (const check of ["sbc", "coverage"]) await Deno.remove(join(to, "diagnostics", `${check}.json`));
}

/** The stages of `run`'s progress lines since its last `resume` line. */
async function linesSinceResume(run: string) {
  const lines = (await Deno.readTextFile(join(run, "progress.jsonl"))).trimEnd().split("\n").map((l) => JSON.parse(l));
  return lines.slice(lines.findLastIndex((l) => l.stage === "resume"));
}

Deno.test({
  name: "SBC progress: a run killed during SBC resumes after its kept pairs to the same sbc.json and coverage.json",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "neurosbi-sbc-progress-" });
    try {
      const whole = join(root, "whole");
      assert.equal((await makeTinyRcRun(whole, undefined, BUDGET)).status, "complete");
      const sbc = await readJson(join(whole, "diagnostics/sbc.json"));
      const coverage = await readJson(join(whole, "diagnostics/coverage.json"));
      assert.equal(sbc.ranks.length, BUDGET.sbcPairs * 3);
      assert.equal(await exists(join(whole, PARTIAL)), false, "the progress goes once SBC is written");

      // Killed, in its own process, once it has kept some pairs.
      const killed = join(root, "killed");
      await beforeSbc(whole, killed);
      const child = new Deno.Command("bash", {
        args: ["-c", `exec ${tinyRunCommand(killed, BUDGET)}`],
        stdout: "null",
        stderr: "null",
      }).spawn();
      await waitFor("kept SBC pairs", async () => {
        const partial = await readJson(join(killed, PARTIAL)).catch(() => undefined);
        return (partial?.pairs.length ?? 0) >= 3;
      }, child);
      child.kill("SIGKILL");
      await child.status;
      assert.equal(await exists(join(killed, "diagnostics/sbc.json")), false, "killed in the middle of SBC");
      const partial = await readJson(join(killed, PARTIAL));
      const kept = partial.pairs.length;
      assert.ok(kept >= 3 && kept < BUDGET.sbcPairs, `${kept} pairs kept`);
      assert.deepEqual(partial.settings, { seed: 0, sbcPairs: 24, sbcSamples: 40 });
      const keptRanks = partial.pairs.flatMap((pair: { ranks: number[] }) => pair.ranks);
      assert.deepEqual(keptRanks, sbc.ranks.slice(0, kept * 3), "each pair kept as the run in one go has it");
      const step = describeRunProgress(await readRunProgress(killed));
      assert.ok(step.some((line) => line.includes(`(SBC and coverage: ${kept} pairs so far)`)), step.join("\n"));

      // Another budget's progress, marked, in a copy: not reused, for SBC as for the grid.
      const other = join(root, "other");
      await new Deno.Command("cp", { args: ["-a", killed, other] }).output();
      const marked = structuredClone(partial);
      marked.pairs[0] = { ranks: [0, 0, 0], level: 0.5 };
      await Deno.writeTextFile(
        join(other, PARTIAL),
        JSON.stringify({ ...marked, settings: { ...partial.settings, sbcSamples: 20 } }),
      );
      const recovery = await readJson(join(whole, "diagnostics/recovery.json"));
      await Deno.remove(join(other, "diagnostics/recovery.json"));
      const gridSettings = { seed: 0, gridPoints: 2, gridSamples: 30, predictiveSims: 4 };
      const point = { error: [0.5, 0.5, 0.5], q025: [0, 0, 0], median: [1, 1, 1], q975: [2, 2, 2], rmse: 0.5 };
      await Deno.writeTextFile(
        join(other, "diagnostics/recovery.partial.json"),
        JSON.stringify({ settings: gridSettings, points: [point] }),
      );
      // The same settings' progress, marked, in another: used as kept.
      const same = join(root, "same");
      await new Deno.Command("cp", { args: ["-a", killed, same] }).output();
      await Deno.writeTextFile(join(same, PARTIAL), JSON.stringify(marked));

      assert.equal((await makeTinyRcRun(killed, undefined, BUDGET)).status, "complete");
      assert.deepEqual(await readJson(join(killed, "diagnostics/sbc.json")), sbc, "SBC as in one go");
      assert.deepEqual(await readJson(join(killed, "diagnostics/coverage.json")), coverage, "coverage as in one go");
      assert.equal(await exists(join(killed, PARTIAL)), false);
      const sbcLines = (await linesSinceResume(killed)).filter((l) => l.stage === "sbc");
      assert.deepEqual(sbcLines.map((l) => [l.done, l.total]), [[kept, 24], [24, 24]], "counted on from the kept");
      assert.equal(sbcLines[0].message, "kept from the stopped run");

      await makeTinyRcRun(other, undefined, BUDGET);
      assert.deepEqual(await readJson(join(other, "diagnostics/sbc.json")), sbc, "another budget's pairs redone");
      assert.deepEqual(await readJson(join(other, "diagnostics/coverage.json")), coverage);
      assert.deepEqual(await readJson(join(other, "diagnostics/recovery.json")), recovery, "and the grid's redone");
      assert.ok(!(await linesSinceResume(other)).some((l) => l.message === "kept from the stopped run"));

      await makeTinyRcRun(same, undefined, BUDGET);
      const sameSbc = await readJson(join(same, "diagnostics/sbc.json"));
      assert.deepEqual(sameSbc.ranks.slice(0, 3), [0, 0, 0], "kept pairs are not recomputed");
      assert.deepEqual(sameSbc.ranks.slice(3), sbc.ranks.slice(3));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
