import assert from "node:assert/strict";
import { join } from "node:path";
import { ConditionalFlow, flowConfig } from "../lib/flows/flow.ts";
import { loadPosterior, savePosterior } from "../lib/posterior/io.ts";
import { Posterior } from "../lib/posterior/posterior.ts";
import { Prior } from "../lib/prior/prior.ts";
import { dataPath } from "../lib/data/paths.ts";
import { sampleCommand } from "../lib/cli/sample.ts";
import { useBackend } from "../lib/tf/backend.ts";

await useBackend("wasm");
const dir = await Deno.makeTempDir({ prefix: "neurosbi-posterior-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

const box = new Prior([
  { name: "a", low: -1, high: 1, scale: "linear" },
  { name: "b", low: -1, high: 1, scale: "linear" },
]);
const standardization = { thetaMean: [0, 0], thetaStd: [0.5, 0.5], xMean: [0, 0, 0], xStd: [1, 1, 1] };

function smallPosterior(kind: "maf" | "nsf", prior = box): Posterior {
  const flow = new ConditionalFlow(
    flowConfig(kind, 2, 3, { seed: 4, hiddenFeatures: 8, numTransforms: 2 }),
    standardization,
  );
  return new Posterior(flow, prior);
}

for (const kind of ["maf", "nsf"] as const) {
  Deno.test(`posterior (${kind}): save → load gives the same log-prob and samples, no retraining`, async () => {
    const posterior = smallPosterior(kind);
    const out = join(dir, `saved-${kind}`);
    await savePosterior(out, posterior, { note: "test" });
    const { posterior: loaded, manifest } = await loadPosterior(out);
    assert.equal(manifest.flow.kind, kind);
    const theta = new Float32Array([0.1, -0.2, 0.5, 0.5, 2, 0]);
    const x = [0.3, 0.1, -0.4];
    assert.deepEqual(await loaded.logProb(theta, x), await posterior.logProb(theta, x));
    assert.deepEqual(
      (await loaded.sample(100, x, { seed: 2 })).samples,
      (await posterior.sample(100, x, { seed: 2 })).samples,
    );
    posterior.dispose();
    loaded.dispose();
  });
}

Deno.test("posterior: samples lie in the prior's support; log-prob is -Infinity outside it", async () => {
  const posterior = smallPosterior("maf");
  const { samples, acceptanceRate } = await posterior.sample(2000, [0, 0, 0], { seed: 1 });
  assert.ok(samples.every((v) => v >= -1 && v <= 1));
  assert.ok(acceptanceRate > 0.5 && acceptanceRate < 1, `acceptance ${acceptanceRate}`);
  const logq = await posterior.logProb(new Float32Array([0, 0, 3, 0]), [0, 0, 0]);
  assert.ok(Number.isFinite(logq[0]));
  assert.equal(logq[1], -Infinity);
  posterior.dispose();
});

Deno.test("posterior: the samples are the seed stream's first in-support draws whatever the batches; n draws first", async () => {
  const posterior = smallPosterior("maf");
  const flow = posterior.flow;
  const asked: number[] = [];
  const sample = flow.sample.bind(flow);
  flow.sample = (n, x, normal) => (asked.push(n), sample(n, x, normal));
  const x = [0.2, -0.1, 0.3];
  const adaptive = await posterior.sample(300, x, { seed: 5 });
  const askedAdaptive = asked.splice(0);
  const oneBatch = await posterior.sample(300, x, { seed: 5, batchSize: 10_000 });
  // The wasm flow draws row by row from the same normal stream, so the two agree to float32 rounding of its layers.
  const worst = adaptive.samples.reduce((m, v, i) => Math.max(m, Math.abs(v - oneBatch.samples[i])), 0);
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
  assert.ok(adaptive.acceptanceRate < 1, "some draws fall outside the box, so a second batch is needed");
  assert.equal(askedAdaptive[0], 300);
  // The second batch is sized from the acceptance so far: 1.2 × missing / rate, at least 100, far below 10,000.
  assert.ok(askedAdaptive.length >= 2 && askedAdaptive.slice(1).every((n) => n >= 100 && n < 1000), `${askedAdaptive}`);
  posterior.dispose();
});

Deno.test("posterior: a collapsed acceptance rate is an error, not a hang", async () => {
  const far = new Prior([
    { name: "a", low: 50, high: 51, scale: "linear" },
    { name: "b", low: 50, high: 51, scale: "linear" },
  ]);
  const posterior = smallPosterior("maf", far);
  await assert.rejects(
    posterior.sample(10, [0, 0, 0]),
    /only 0 of 10000 posterior draws fell inside the prior's support/,
  );
  posterior.dispose();
});

Deno.test("posterior: a missing folder, a corrupt weights file or a wrong-sized x are clear errors", async () => {
  await assert.rejects(loadPosterior(join(dir, "nothing")), /holds no trained posterior/);
  const posterior = smallPosterior("nsf");
  const out = join(dir, "corrupt");
  await savePosterior(out, posterior, {});
  posterior.dispose();
  const bytes = await Deno.readFile(join(out, "weights.bin"));
  await Deno.writeFile(join(out, "weights.bin"), bytes.subarray(0, bytes.length - 8));
  await assert.rejects(loadPosterior(out), /weights.bin is corrupt/);
  bytes[bytes.length - 1] ^= 0xff;
  await Deno.writeFile(join(out, "weights.bin"), bytes);
  await assert.rejects(loadPosterior(out), /checksum mismatch/);

  const good = join(dir, "good");
  await savePosterior(good, smallPosterior("maf"), {});
  const args = { posterior: good, samples: 10, out: join(dir, "s.csv"), seed: 0, backend: "wasm" as const };
  await Deno.writeTextFile(join(dir, "x2.csv"), "data_1,data_2\n0.1,0.2\n");
  await assert.rejects(
    sampleCommand({ ...args, x: join(dir, "x2.csv") }),
    /has 2 values, the posterior was trained on x of 3/,
  );
  await Deno.writeTextFile(join(dir, "xnan.csv"), "0.1,NaN,0.3\n");
  await assert.rejects(sampleCommand({ ...args, x: join(dir, "xnan.csv") }), /column 2 is "NaN", not a finite number/);
  await Deno.writeTextFile(join(dir, "x.csv"), "0.1,0.2,0.3\n");
  await sampleCommand({ ...args, x: join(dir, "x.csv") });
  const lines = (await Deno.readTextFile(args.out)).trim().split("\n");
  assert.equal(lines[0], "a,b");
  assert.equal(lines.length, 11);
});

// The same flow under a prior with a log10 parameter (a in [1, 10], flow coordinate log10 a in [0, 1]) and under the
// linear box of its flow coordinates: the first must be the second seen through θ = 10^t.
const logBox = new Prior([
  { name: "a", low: 1, high: 10, scale: "log10" },
  { name: "b", low: -1, high: 1, scale: "linear" },
]);
const flowBox = new Prior([
  { name: "a", low: 0, high: 1, scale: "linear" },
  { name: "b", low: -1, high: 1, scale: "linear" },
]);

Deno.test("posterior: log10 parameters are sampled in the prior's units (θ = 10^t of the flow's draws, exact)", async () => {
  const flow = smallPosterior("maf").flow;
  const inUnits = new Posterior(flow, logBox), inFlow = new Posterior(flow, flowBox);
  const x = [0.2, -0.1, 0.4];
  const drawn = await inUnits.sample(500, x, { seed: 8 });
  const reference = await inFlow.sample(500, x, { seed: 8 });
  assert.equal(drawn.acceptanceRate, reference.acceptanceRate);
  assert.deepEqual(drawn.samples, Float32Array.from(reference.samples, (v, i) => (i % 2 === 0 ? 10 ** v : v)));
  assert.ok(drawn.samples.every((v, i) => (i % 2 === 0 ? v >= 1 && v <= 10 : v >= -1 && v <= 1)));
  flow.dispose();
});

Deno.test("posterior: log-prob in the prior's units carries the log10 Jacobian (1e-5), and integrates like the flow's (1%)", async () => {
  const flow = smallPosterior("maf").flow;
  const inUnits = new Posterior(flow, logBox), inFlow = new Posterior(flow, flowBox);
  const x = [0.2, -0.1, 0.4];
  // Midpoint grids over the support, in the prior's units and in flow coordinates.
  const na = 400, nb = 100;
  const units = new Float32Array(na * nb * 2), flowGrid = new Float32Array(na * nb * 2);
  for (let i = 0; i < na; i++) {
    for (let k = 0; k < nb; k++) {
      const r = 2 * (i * nb + k), b = -1 + (2 * (k + 0.5)) / nb;
      units.set([1 + (9 * (i + 0.5)) / na, b], r);
      flowGrid.set([(i + 0.5) / na, b], r);
    }
  }
  const logq = await inUnits.logProb(units, x);
  const logqFlow = await inFlow.logProb(Float32Array.from(units, (v, i) => (i % 2 === 0 ? Math.log10(v) : v)), x);
  for (let r = 0; r < logq.length; r += 997) {
    const expected = logqFlow[r] - Math.log(units[2 * r] * Math.LN10);
    assert.ok(Math.abs(logq[r] - expected) <= 1e-5 * Math.abs(expected), `row ${r}: ${logq[r]} vs ${expected}`);
  }
  assert.deepEqual(await inUnits.logProb(units, x, { density: "flow" }), logqFlow);
  const mass = (values: Float32Array, cell: number) => values.reduce((s, v) => s + Math.exp(v), 0) * cell;
  const inUnitsMass = mass(logq, (9 / na) * (2 / nb));
  const flowMass = mass(await inFlow.logProb(flowGrid, x), (1 / na) * (2 / nb));
  assert.ok(Math.abs(inUnitsMass / flowMass - 1) < 0.01, `mass ${inUnitsMass} vs ${flowMass}`);
  assert.deepEqual(Array.from(await inUnits.logProb([0.5, 0, 20, 0, -1, 0], x)), [-Infinity, -Infinity, -Infinity]);
  flow.dispose();
});

Deno.test("posterior: posterior.json stores the prior once, in the parameters' units (format 2)", async () => {
  const posterior = new Posterior(smallPosterior("nsf").flow, logBox);
  const out = join(dir, "format2");
  await savePosterior(out, posterior, {});
  const manifest = JSON.parse(await Deno.readTextFile(join(out, "posterior.json")));
  assert.equal(manifest.format, "neurosbi-posterior/2");
  assert.deepEqual(manifest.prior, logBox.toJSON());
  assert.equal(manifest.parameters, undefined);
  const { posterior: loaded } = await loadPosterior(out);
  assert.deepEqual(loaded.prior.toJSON(), logBox.toJSON());
  const x = [0.3, 0.1, -0.4];
  assert.deepEqual(
    (await loaded.sample(50, x, { seed: 1 })).samples,
    (await posterior.sample(50, x, { seed: 1 })).samples,
  );
  const bad = join(dir, "bad-prior");
  await Deno.mkdir(bad);
  await Deno.copyFile(join(out, "weights.bin"), join(bad, "weights.bin"));
  await Deno.writeTextFile(
    join(bad, "posterior.json"),
    JSON.stringify({ ...manifest, prior: [{ name: "a", low: 1 }] }),
  );
  await assert.rejects(loadPosterior(bad), /posterior.json: prior\[0\]\.high: missing/);
  posterior.dispose();
  loaded.dispose();
});

const V1 = dataPath("fixtures", "posterior_v1");

Deno.test("posterior: a previous-format folder loads, samples and scores as that version did", async () => {
  const { posterior } = await loadPosterior(V1);
  assert.deepEqual(posterior.prior.toJSON(), [
    { name: "gain", low: 0.01, high: 1, scale: "log10", unit: "µS" },
    { name: "delay", low: -1, high: 1, scale: "linear", unit: "ms" },
  ]);
  // The sample command's CSV, as the previous version wrote it for the same seed.
  const out = join(dir, "v1-samples.csv");
  await sampleCommand({ posterior: V1, x: join(V1, "x.csv"), samples: 200, out, seed: 5, backend: "wasm" });
  assert.equal(await Deno.readTextFile(out), await Deno.readTextFile(join(V1, "samples.csv")));
  // Its log q was of flow coordinates; now θ is given in µS and ms.
  const old = JSON.parse(await Deno.readTextFile(join(V1, "log_prob.json")));
  const theta = old.theta_flow.map((t: number, i: number) => (i % 2 === 0 ? 10 ** t : t));
  const expected = old.log_prob_flow.map((v: number | null) => v ?? -Infinity);
  const flowDensity = await posterior.logProb(theta, old.x, { density: "flow" });
  const inUnits = await posterior.logProb(theta, old.x);
  expected.forEach((e: number, r: number) => {
    const withJacobian = e - Math.log(theta[2 * r] * Math.LN10);
    for (const [got, want] of [[flowDensity[r], e], [inUnits[r], withJacobian]]) {
      const close = want === -Infinity ? got === -Infinity : Math.abs(got - want) <= 1e-5 * Math.abs(want);
      assert.ok(close, `row ${r}: ${got} vs ${want}`);
    }
  });
  posterior.dispose();
});

Deno.test("posterior: a previous-format folder without parameters keeps its prior, linear (an sbibm normal)", async () => {
  const out = join(dir, "v1-normal");
  await Deno.mkdir(out);
  await Deno.copyFile(join(V1, "weights.bin"), join(out, "weights.bin"));
  const manifest = JSON.parse(await Deno.readTextFile(join(V1, "posterior.json")));
  delete manifest.parameters;
  manifest.prior = { kind: "normal", names: ["p1", "p2"], mean: [0, 1], variance: [0.1, 2] };
  await Deno.writeTextFile(join(out, "posterior.json"), JSON.stringify(manifest));
  const { posterior } = await loadPosterior(out);
  assert.deepEqual(posterior.prior.toJSON(), [
    { name: "p1", mean: 0, variance: 0.1, scale: "linear" },
    { name: "p2", mean: 1, variance: 2, scale: "linear" },
  ]);
  assert.equal((await posterior.sample(100, [0, 0, 0], { seed: 2 })).acceptanceRate, 1);
  posterior.dispose();
});
