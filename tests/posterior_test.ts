import assert from "node:assert/strict";
import { join } from "node:path";
import { ConditionalFlow, flowConfig } from "../lib/flows/flow.ts";
import { loadPosterior, savePosterior } from "../lib/posterior/io.ts";
import { Posterior } from "../lib/posterior/posterior.ts";
import { Prior } from "../lib/prior/prior.ts";
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
