import assert from "node:assert/strict";
import { createApp } from "../lib/server/app.tsx";

const runs = await Deno.makeTempDir({ prefix: "neurosbi-runs-" });
globalThis.addEventListener("unload", () => Deno.removeSync(runs, { recursive: true }));
await Deno.mkdir(`${runs}/rc-small/diagnostics`, { recursive: true });
await Deno.mkdir(`${runs}/rc-small/dataset`, { recursive: true });
await Deno.writeTextFile(`${runs}/rc-small/experiment.json`, JSON.stringify({ model: "rc", status: "complete" }));
await Deno.writeTextFile(
  `${runs}/rc-small/dataset/manifest.json`,
  JSON.stringify({
    format: "neurosbi-dataset/1",
    status: "complete",
    model: "rc",
    prior: [{ name: "amp1", low: 0, high: 1, scale: "linear" }, {
      name: "w",
      low: 1e-5,
      high: 10,
      scale: "log10",
      unit: "µS",
    }],
    n: 1000,
    dt_ms: 0.5,
    times_ms: [0, 0.5, 1],
    theta_names: ["amp1", "w"],
    nonfinite_rows: 10,
    sims_per_second: 12345.6,
    adapter: { description: "llvmpipe" },
  }),
);
await Deno.writeTextFile(
  `${runs}/rc-small/training.json`,
  JSON.stringify({
    epochs: [1, 2, 3].map((epoch) => ({ epoch, train_loss: 3 - epoch / 2, validation_loss: 3.1 - epoch / 2 })),
  }),
);
await Deno.writeTextFile(
  `${runs}/rc-small/diagnostics/sbc.json`,
  JSON.stringify({
    parameters: ["amp1", "w"],
    samples: 100,
    ks: [{ statistic: 0.03, pValue: 0.4, rejected: false }, { statistic: 0.2, pValue: 1e-9, rejected: true }],
    histogram: { bins: 4, counts: [[25, 24, 26, 25], [60, 20, 10, 10]], band: [15, 35] },
  }),
);
await Deno.writeTextFile(
  `${runs}/rc-small/diagnostics/coverage.json`,
  JSON.stringify({ levels: [0, 0.5, 1], coverage: [0, 0.48, 1], maxDeviation: 0.02 }),
);
await Deno.mkdir(`${runs}/empty-run`);
const app = await createApp(runs);

async function get(path: string) {
  const response = await app.request(path);
  return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() };
}

Deno.test("server: the runs index lists every run folder with its model", async () => {
  const page = await get("/");
  assert.equal(page.status, 200);
  assert.match(page.type, /text\/html/);
  assert.match(page.body, /href="\/runs\/rc-small\/">rc-small<\/a>/);
  assert.match(page.body, /empty-run/);
});

Deno.test("server: overview shows the prior with scales, dataset figures and the training curves as SVG", async () => {
  const page = await get("/runs/rc-small");
  assert.equal(page.status, 200);
  assert.match(page.body, /<td>w<\/td><td>0.00001<\/td><td>10<\/td><td>log10<\/td><td>µS<\/td>/);
  assert.match(page.body, /<td>0.0100<\/td>/, "non-finite fraction 10/1000");
  assert.match(page.body, /<td>12346<\/td>/);
  assert.match(page.body, /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const empty = await get("/runs/empty-run/");
  assert.equal(empty.status, 200);
  assert.match(empty.body, /No dataset yet/);
});

Deno.test("server: diagnostics page draws one SBC histogram per parameter and the coverage curve", async () => {
  const page = await get("/runs/rc-small/diagnostics");
  assert.equal(page.status, 200);
  assert.equal(page.body.match(/<svg/g)?.length, 3);
  assert.match(page.body, /w: KS p = 1.00e-9 \(rejected\)/);
  assert.match(page.body, /<td>amp1<\/td><td>0.0300<\/td><td>0.400<\/td><td>yes<\/td>/);
});

Deno.test("server: JSON API lists runs", async () => {
  const api = await get("/api/runs");
  assert.equal(api.status, 200);
  assert.match(api.type, /application\/json/);
  assert.deepEqual(JSON.parse(api.body)[1], { name: "rc-small", model: "rc", status: "complete" });
});

Deno.test("server: unknown runs and paths that try to leave the runs folder get the 404 page", async () => {
  for (const path of ["/runs/nope", "/runs/..%2F..%2Fetc", "/runs/.hidden/diagnostics", "/no/such/page"]) {
    const page = await get(path);
    assert.equal(page.status, 404, path);
    assert.match(page.body, /Not found/, path);
  }
  assert.equal((await get("/")).status, 200, "still serving afterwards");
});

Deno.test("server: `serve` binds 127.0.0.1, prints its URL and answers", async () => {
  const main = new URL("../lib/cli/main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net=127.0.0.1",
      main,
      "serve",
      "--runs",
      runs,
      "--port",
      "0",
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/http:\/\/\S+\//.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const url = /http:\/\/(\S+)\//.exec(text)?.[0];
    assert.ok(url?.startsWith("http://127.0.0.1:"), text);
    const response = await fetch(url!);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /rc-small/);
    reader.releaseLock();
  } finally {
    child.kill();
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});
