import assert from "node:assert/strict";
import { createApp } from "../lib/server/app.tsx";
import { makeSyntheticRuns } from "./reference/synthetic_runs.ts";

const runs = await makeSyntheticRuns();
globalThis.addEventListener("unload", () => Deno.removeSync(runs, { recursive: true }));
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

Deno.test("server: waveforms page plots the observation against predictive bands, per observation", async () => {
  const page = await get("/runs/rc-small/waveforms");
  assert.equal(page.status, 200);
  assert.match(page.body, /θ = \[0.3, 0.5\]/, "first observation by default");
  assert.match(page.body, /V \(mV\)/);
  assert.match(page.body, /20 ms Hamming window/);
  assert.match(page.body, /href="\/runs\/rc-small\/waveforms\?obs=b"/);
  const other = await get("/runs/rc-small/waveforms?obs=b");
  assert.match(other.body, /MEG yes trial/);
  assert.equal((await get("/runs/rc-small/waveforms?obs=zzz")).status, 404);
  assert.match((await get("/runs/empty-run/waveforms")).body, /No observations/);
});

Deno.test("server: posterior page shows the pair plot in the prior's units with the truth", async () => {
  const page = await get("/runs/rc-small/posterior");
  assert.equal(page.status, 200);
  assert.equal(page.body.match(/<svg/g)?.length, 3, "2 marginals + 1 joint for 2 parameters");
  assert.match(page.body, /w \(µS\)/);
  assert.match(page.body, /red: the ground truth/);
  assert.doesNotMatch((await get("/runs/rc-small/posterior?obs=b")).body, /ground truth/);
});

Deno.test("server: progress streams as server-sent events until the run stops running", async () => {
  await Deno.mkdir(`${runs}/live`);
  await Deno.writeTextFile(`${runs}/live/experiment.json`, JSON.stringify({ model: "rc", status: "running" }));
  await Deno.writeTextFile(
    `${runs}/live/progress.jsonl`,
    JSON.stringify({ time: "t0", stage: "simulate", done: 1, total: 4 }) + "\n",
  );
  const response = await app.request("/api/runs/live/progress");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: string[] = [];
  const readUntil = async (pattern: RegExp) => {
    while (!pattern.test(events.join(""))) {
      const { value, done } = await reader.read();
      if (done) break;
      events.push(value);
    }
  };
  await readUntil(/"done":1/);
  await Deno.writeTextFile(
    `${runs}/live/progress.jsonl`,
    JSON.stringify({ time: "t1", stage: "train", message: "epoch 1" }) + "\n",
    { append: true },
  );
  await readUntil(/epoch 1/);
  await Deno.writeTextFile(`${runs}/live/experiment.json`, JSON.stringify({ model: "rc", status: "complete" }));
  await readUntil(/event: status/);
  const text = events.join("");
  assert.match(text, /event: progress\ndata: \{"time":"t0","stage":"simulate","done":1,"total":4\}/);
  assert.match(text, /event: status\ndata: \{"status":"complete"\}/);
  assert.equal((await reader.read()).done, true, "the stream ends with the run");
});

Deno.test("server: JSON API lists runs", async () => {
  const api = await get("/api/runs");
  assert.equal(api.status, 200);
  assert.match(api.type, /application\/json/);
  assert.deepEqual(JSON.parse(api.body).find((r: { name: string }) => r.name === "rc-small"), {
    name: "rc-small",
    model: "rc",
    status: "complete",
  });
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
