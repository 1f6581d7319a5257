/**
 * The HNN experiments are set up as the seed paper's code sets them up (ntolley/hnn_sbi_examples: the
 * generate_SBI_sims_* scripts for drives and priors, train_posterior_* for the window and the noise on x).
 */
import assert from "node:assert/strict";
import { BETA_PAPER_SUBJECT, EXPERIMENTS } from "../lib/experiments/configs.ts";
import { hnnBetaSpec, hnnErpSpec, hnnRcSpec } from "../lib/models/hnn.ts";
import { jones2009Connections, PAPER_ERP_RULES } from "../lib/hnn/network/jones2009.ts";

const HNN = ["hnn-rc", "erp", "beta"] as const;

Deno.test("experiment configs: HNN runs at dt 0.5 ms, PCA-30 of the smoothed dipole, noise of sd 1e-5 nAm", () => {
  for (const name of HNN) {
    const config = EXPERIMENTS[name];
    assert.equal(config.dtMs, 0.5, name);
    assert.equal(config.summary, "pca30", name);
    assert.ok(Math.abs(config.noise / Math.sqrt(3) - 1e-5) < 1e-12, `${name}: uniform half-width √3·sd`);
    assert.equal(config.simulator(0.5).dtMs, 0.5, name);
  }
});

Deno.test("experiment configs: hnn-rc has the paper's inputs at 200 and 200 + latency ms and its prior", () => {
  const model = EXPERIMENTS["hnn-rc"].simulator(0.5);
  assert.deepEqual(model.prior.box().map((p) => [p.name, p.scale, p.low, p.high]), [
    ["prox_weight", "log10", 1e-4, 1e-3],
    ["dist_weight", "log10", 1e-4, 1e-3],
    ["latency", "linear", -75, 75],
  ]);
  assert.deepEqual([model.timesMs[0], model.timesMs.at(-1), model.timesMs.length], [50, 349.5, 600]);
  const spec = hnnRcSpec();
  assert.equal(spec.tstop_ms, 350);
  assert.equal(spec.connections, undefined, "connections cleared");
  assert.deepEqual(
    spec.drives!.map((d) => d.type === "evoked" && [d.location, d.mu, d.sigma, d.numspikes, d.weights_ampa]),
    [["proximal", 200, 0, 1, { L5_pyramidal: 1e-4 }], ["distal", 200, 0, 1, { L5_pyramidal: 1e-4 }]],
  );
  assert.deepEqual(spec.parameters![2].sets, [{ drive: "distal", field: "mu", offset: 200 }]);
});

Deno.test("experiment configs: the ERP varies the paper's four weights onto L5 pyramidal cells", () => {
  const model = EXPERIMENTS.erp.simulator(0.5);
  assert.deepEqual(model.prior.names, ["dist_inh", "prox_inh", "dist_exc", "prox_exc"]);
  for (const p of model.prior.box()) assert.deepEqual([p.scale, p.low, p.high], ["log10", 1e-5, 10]);
  const rules = jones2009Connections();
  const rule = (i: number) => [rules[i].source, rules[i].target, rules[i].location, rules[i].receptor];
  assert.deepEqual(rule(PAPER_ERP_RULES.dist_inh), ["L2_basket", "L5_pyramidal", "distal", "gabaa"]);
  assert.deepEqual(rule(PAPER_ERP_RULES.prox_inh), ["L5_basket", "L5_pyramidal", "soma", "gabaa"]);
  assert.deepEqual(rule(PAPER_ERP_RULES.dist_exc), ["L2_pyramidal", "L5_pyramidal", "distal", "ampa"]);
  assert.deepEqual(rule(PAPER_ERP_RULES.prox_exc), ["L5_pyramidal", "L5_pyramidal", "proximal", "ampa"]);
  const drives = hnnErpSpec().drives!.map((d) =>
    d.type === "evoked" && [d.name, d.mu, d.sigma, d.event_seed, d.n_drive_cells, d.cell_specific]
  );
  assert.deepEqual(drives, [
    ["evdist1", 63.53, 3.85, 4, 1, false],
    ["evprox1", 26.61, 2.47, 4, 1, false],
    ["evprox2", 137.12, 8.33, 4, 1, false],
  ]);
  assert.deepEqual([model.timesMs[0], model.timesMs.at(-1)], [0, 170], "the MEG recordings' span");
  assert.deepEqual(EXPERIMENTS.erp.recordings!.map((r) => [r.id, r.scale, r.smoothMs]), [
    ["meg-yes", 3000, 20],
    ["meg-no", 3000, 20],
  ]);
});

Deno.test("experiment configs: the beta event's two bursts from 200 ms, spreads on [0, 20] and [0, 40] ms", () => {
  const model = EXPERIMENTS.beta.simulator(0.5);
  assert.deepEqual(model.prior.box().map((p) => [p.name, p.scale, p.low, p.high]), [
    ["dist_var", "linear", 0, 20],
    ["prox_var", "linear", 0, 40],
  ]);
  assert.deepEqual([model.timesMs[0], model.timesMs.at(-1), model.timesMs.length], [158, 257.5, 200]);
  for (const d of hnnBetaSpec().drives!) {
    assert.ok(d.type === "bursty");
    assert.deepEqual([d.tstart, d.numspikes, d.spike_isi, d.n_drive_cells, d.synaptic_delays], [200, 2, 10, 10, 0]);
  }
});

Deno.test("experiment configs: beta conditions on two trough bins of one MEG subject and of the other nine pooled", () => {
  const config = EXPERIMENTS.beta;
  assert.deepEqual(config.recordings!.map((r) => "subjects" in r && [r.id, r.subjects, r.bin, r.troughMs, r.scale]), [
    ["subject-deep", [1], 0, 208, 60000],
    ["subject-shallow", [1], 1, 208, 60000],
    ["others-deep", [2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 208, 60000],
    ["others-shallow", [2, 3, 4, 5, 6, 7, 8, 9, 10], 1, 208, 60000],
  ]);
  assert.deepEqual(config.recordingPairs, [["subject-deep", "subject-shallow"], ["others-deep", "others-shallow"]]);
  assert.equal(BETA_PAPER_SUBJECT, 1);
  // A run's config.json keeps the events as experiments/beta.json gives them: they are found again at run start.
  const kept = config.document.recordings as { id: string; events: unknown }[];
  assert.deepEqual(kept.map((r) => [r.id, r.events]), [
    ["subject-deep", { subjects: [1], bin_nam: [-100, -60], trough_ms: 208 }],
    ["subject-shallow", { subjects: [1], bin_nam: [-60, -30], trough_ms: 208 }],
    ["others-deep", { subjects: [2, 3, 4, 5, 6, 7, 8, 9, 10], bin_nam: [-100, -60], trough_ms: 208 }],
    ["others-shallow", { subjects: [2, 3, 4, 5, 6, 7, 8, 9, 10], bin_nam: [-60, -30], trough_ms: 208 }],
  ]);
});
