import assert from "node:assert/strict";
import { overlapCoefficient } from "../lib/diagnostics/overlap.ts";
import { conditionRun, loadRunPosterior } from "../lib/experiments/condition.ts";
import type { RunPosterior } from "../lib/experiments/types.ts";
import { CONDITION_DEFAULTS } from "../lib/experiments/condition_options.ts";
import { GpuRuntime } from "../lib/gpu/runtime.ts";
import { LOCK_FILE } from "../lib/runs/paths.ts";
import { createApp } from "../lib/server/app.tsx";
import { RunConditioner } from "../lib/server/run_conditioner.ts";
import { readUntilUrl, startServer } from "./reference/live_server.ts";
import { makeDataFolder, makeSyntheticRuns, waveformCsv } from "./reference/synthetic_runs.ts";
import { cli } from "./reference/cli.ts";
import { makeTinyRcRun } from "./reference/tiny_run.ts";

const runs = await makeSyntheticRuns();
await makeTinyRcRun(`${runs}/rc-tiny`);
const data = await makeDataFolder();
globalThis.addEventListener("unload", () => {
  for (const dir of [runs, data]) Deno.removeSync(dir, { recursive: true });
});
const app = await createApp(runs, { dataDir: data });

async function get(path: string, init?: RequestInit) {
  const response = await app.request(path, init);
  return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() };
}

/** Conditioning starts tfjs and a GPU device that the app keeps for later requests. */
function conditionTest(name: string, fn: () => Promise<void>) {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

/** The tiny run's second observation as an upload: CSV of time (ms) and value. */
const observation = JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/observations/latency-37.5.json`));
const uploadCsv = waveformCsv(observation);
const postCsv = (text: string, query = "") =>
  get(`/api/runs/rc-tiny/condition${query}`, { method: "POST", headers: { "content-type": "text/csv" }, body: text });
const postForm = (path: string, fields: Record<string, string | File>) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return get(path, { method: "POST", body: form });
};

Deno.test("server: the runs index lists every run folder with its model, and links to condition and compare", async () => {
  const page = await get("/");
  assert.equal(page.status, 200);
  assert.match(page.type, /text\/html/);
  assert.match(page.body, /href="\/runs\/rc-small\/">rc-small<\/a>/);
  assert.match(page.body, /empty-run/);
  assert.match(page.body, /href="\/runs\/rc-tiny\/condition">condition<\/a>/);
  assert.match(page.body, /href="\/compare\?a=rc-tiny">compare<\/a>/);
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

Deno.test("server: overview of a real run reads as tables: experiment, budget, training and results", async () => {
  const page = await get("/runs/rc-tiny/");
  assert.equal(page.status, 200);
  assert.match(page.body, /<th>experiment<\/th><td>rc: RC circuit, two current pulses/);
  assert.match(page.body, /<th>training simulations<\/th><td>1000<\/td>/);
  assert.match(page.body, /<th>summary statistic<\/th><td>pca30 \(30 features\)<\/td>/);
  assert.match(page.body, /<th>epochs<\/th><td>3<\/td>/);
  assert.match(page.body, /<th>kept weights of epoch<\/th><td>\d \(validation loss -?\d+\.\d{4}\)<\/td>/);
  const overlap = JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/diagnostics/overlap.json`)).pairs;
  assert.match(
    page.body,
    new RegExp(`<td>latency</td><td>[^<]+</td><td>[^<]+</td><td>${overlap[2].ovl.toFixed(3)}</td>`),
  );
  assert.doesNotMatch(page.body, /"budget"/, "no raw JSON dump");
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
  // The lock of a live run: this process, heartbeat now (lib/runs/lock.ts).
  const now = new Date().toISOString();
  const lock = { pid: Deno.pid, host: Deno.hostname(), started: now, heartbeat: now };
  await Deno.writeTextFile(`${runs}/live/${LOCK_FILE}`, JSON.stringify(lock));
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

conditionTest(
  "server: condition page offers the run's observations and the data files that fit its time base",
  async () => {
    const page = await get("/runs/rc-tiny/condition");
    assert.equal(page.status, 200);
    assert.match(page.body, /<form method="post" action="\/runs\/rc-tiny\/condition" enctype="multipart\/form-data"/);
    assert.match(page.body, /<input type="file" name="waveform"/);
    assert.match(page.body, /<option [^>]*value="observation:latency-0">θ unit \[0.3, 0.5, 0.5\]/);
    assert.match(page.body, /<option [^>]*value="data:long.csv"\s*>long.csv<\/option>/);
    assert.match(
      page.body,
      /<option [^>]*value="data:short.txt" disabled title="short.txt covers 0–170 ms; the model&#39;s time base needs 0–350 ms">/,
    );
    assert.doesNotMatch(page.body, /notes.txt/);
    // A recording's preparation, empty fields standing for the RC experiment's (x's own units, unsmoothed).
    assert.match(page.body, /<select name="column"><option [^>]*value="agg">agg<\/option><option [^>]*value="L2">/);
    for (const field of ["scale", "smooth_ms", "offset_ms", "baseline_from", "baseline_to"]) {
      assert.match(page.body, new RegExp(`<input type="number" name="${field}"`));
    }
    assert.match(page.body, /name="scale" step="any" size="8" placeholder="1"/);
    assert.match(page.body, /the experiment&#39;s own, scale 1 and no smoothing; no offset, no baseline/);
    assert.match((await get("/runs/rc-small/condition")).body, /No trained posterior yet/);
  },
);

conditionTest("server: the condition API samples the posterior inside the prior, with bands and plots", async () => {
  const answer = await postCsv(uploadCsv, "?samples=300");
  assert.equal(answer.status, 200, answer.body);
  assert.match(answer.type, /application\/json/);
  const body = JSON.parse(answer.body);
  assert.deepEqual(body.parameters, ["amp1", "amp2", "latency"]);
  assert.equal(body.samples.length, 300);
  const bounds = [[0, 1], [0, 1], [-75, 75]];
  for (const s of body.samples) bounds.forEach(([lo, hi], j) => assert.ok(s[j] >= lo && s[j] <= hi, `${s}`));
  assert.ok(body.acceptance_rate > 0 && body.acceptance_rate <= 1);
  assert.equal(body.x.length, 701);
  assert.ok(Math.abs(body.x[500] - observation.x[500]) < 1e-6, "the upload lands on the model's time base as it was");
  const { q025, q50, q975 } = body.predictive;
  assert.ok(q50.every((m: number, k: number) => q025[k] <= m && m <= q975[k]));
  assert.equal(body.plots.pair.length, 9);
  assert.equal(body.plots.pair.filter((svg: string) => svg.startsWith("<svg")).length, 6, "3 marginals + 3 joints");
  assert.match(body.plots.predictive, /^<svg/);
});

conditionTest("server: the condition API takes a pick of an observation or a data file", async () => {
  const fromObservation = await postForm("/api/runs/rc-tiny/condition?samples=50", { source: "observation:latency-0" });
  assert.equal(fromObservation.status, 200, fromObservation.body);
  const picked = JSON.parse(fromObservation.body);
  assert.equal(picked.label, "θ unit [0.3, 0.5, 0.5] (Δt = 0 ms)");
  assert.equal(picked.samples.length, 50);
  const fromData = JSON.parse(
    (await postForm("/api/runs/rc-tiny/condition?samples=50", { source: "data:long.csv" })).body,
  );
  assert.equal(fromData.label, "long.csv");
  assert.ok(Math.abs(fromData.x[10] - Math.sin(2 * Math.PI * 10 * 0.005)) < 1e-3, "5 ms of a 10 Hz sine, resampled");
});

conditionTest("server: the condition form posts back a page with the pair plot and the predictive bands", async () => {
  const file = new File([uploadCsv], "recording.csv", { type: "text/csv" });
  const page = await postForm("/runs/rc-tiny/condition", { waveform: file, source: "" });
  assert.equal(page.status, 200, page.body);
  assert.match(page.type, /text\/html/);
  assert.match(page.body, /<h1>rc-tiny conditioned on recording.csv<\/h1>/);
  assert.match(page.body, /1000 posterior samples in the prior&#39;s units/);
  assert.match(page.body, /<td>latency \(ms\)<\/td><td>-?[\d.]+ \[-?[\d.]+, -?[\d.]+\] ms<\/td><td>[\d.]+<\/td>/);
  assert.equal(page.body.match(/<svg/g)?.length, 8, "6 pair-plot cells, the predictive and the prior's bands");
  assert.match(page.body, /<h2>Prior-predictive check<\/h2>/);
  assert.match(page.body, /bands of 1000 simulations\s+of the run&#39;s dataset/);
  assert.match(page.body, /The recording lies\s+inside the 95% band at \d+% of its time points/);
  assert.match(page.body, /Condition on another waveform/);
  const link = /<a href="data:text\/csv;charset=utf-8,([^"]+)" download="rc-tiny-recording-samples.csv">/.exec(
    page.body,
  );
  const [header, ...rows] = decodeURIComponent(link![1]).trimEnd().split("\n");
  assert.equal(header, "amp1,amp2,latency");
  assert.equal(rows.length, 1000);
  assert.ok(rows.every((r) => r.split(",").map(Number).every(Number.isFinite)));
});

conditionTest("server: an hnn-core dipole file is prepared as the form or the query asks", async () => {
  // time, agg, L2, L5 as Dipole.write writes them, on 100–460 ms: offset −100 puts it on the RC model's 0–350 ms.
  const l5 = (t: number) => Math.sin((2 * Math.PI * t) / 350);
  const rows = Array.from({ length: 721 }, (_, k) => 100 + 0.5 * k).map((t) =>
    [t.toFixed(3), (1 + l5(t - 100)).toFixed(4), "1.0000", (5 + l5(t - 100)).toFixed(4)].join("\t")
  );
  const text = rows.join("\n") + "\n";
  const fields = { column: "L5", scale: "2", offset_ms: "-100", baseline_from: "0", baseline_to: "0.2" };
  const form = await postForm("/api/runs/rc-tiny/condition?samples=20", {
    waveform: new File([text], "dpl.txt"),
    ...fields,
  });
  assert.equal(form.status, 200, form.body);
  const prepared = JSON.parse(form.body);
  // L5 less its value at 0 ms (the baseline, 5), halved.
  prepared.x.forEach((x: number, k: number) => assert.ok(Math.abs(x - l5(0.5 * k) / 2) < 1e-4, `sample ${k}: ${x}`));
  assert.deepEqual(prepared.waveform_axis, {
    label: "x × 2 (the recording's units; x in mV)",
    unit: "the recording's units",
    scale: 2,
  });
  const query = await postCsv(text, "?samples=20&column=L2&offset_ms=-100");
  assert.equal(query.status, 200, query.body);
  assert.ok(JSON.parse(query.body).x.every((x: number) => x === 1), "the L2 column as it is");
  const page = await postForm("/runs/rc-tiny/condition", { waveform: new File([text], "dpl.txt"), ...fields });
  assert.match(page.body, /dpl.txt: used 0–350 ms \(the model&#39;s window\) of its 0–360 ms/);
  for (
    const [bad, reason] of [
      [{ column: "L7" }, /column must be one of agg, L2, L5, not \\"L7\\"/],
      [{ scale: "0" }, /scale must be a non-zero number/],
      [{ baseline_from: "0" }, /give both baseline_from and baseline_to/],
      [{ offset_ms: "20" }, /dpl.txt \(times \+ 20 ms\) covers 120–480 ms; the model's time base needs 0–350 ms/],
    ] as const
  ) {
    const answer = await postForm("/api/runs/rc-tiny/condition", { waveform: new File([text], "dpl.txt"), ...bad });
    assert.equal(answer.status, 400, answer.body);
    assert.match(answer.body, reason);
  }
});

conditionTest(
  "server: malformed, oversized and misdirected uploads get a 400 with the reason; serving goes on",
  async () => {
    const cases: [Promise<{ status: number; type: string; body: string }>, RegExp][] = [
      [postCsv("0,1\n1,abc\n"), /upload row 2: \\"1,abc\\" is not two finite numbers/],
      [postCsv("0,1\n"), /at least two rows/],
      [postCsv("0,1\n100,2\n"), /upload covers 0–100 ms; the model's time base needs 0–350 ms/],
      [postCsv("1".repeat(2 ** 20 + 1)), /larger than 1 MiB/],
      [postCsv(uploadCsv, "?samples=0"), /samples must be a whole number from 1 to 10000/],
      [postForm("/api/runs/rc-tiny/condition", { source: "data:short.txt" }), /short.txt covers 0–170 ms/],
      [postForm("/api/runs/rc-tiny/condition", { source: "data:../../etc/passwd" }), /no data waveform named/],
      [postForm("/api/runs/rc-tiny/condition", { source: "observation:../../x" }), /no observation|bad file/],
      [postForm("/api/runs/rc-tiny/condition", { source: "" }), /give a waveform file/],
      [
        get("/api/runs/rc-tiny/condition", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        }),
        /send the waveform as text\/csv or multipart\/form-data, not application\/json/,
      ],
      [postForm("/api/runs/rc-small/condition", { source: "observation:a" }), /rc-small cannot be conditioned/],
    ];
    for (const [request, reason] of cases) {
      const answer = await request;
      assert.equal(answer.status, 400, answer.body);
      assert.match(answer.type, /application\/json/);
      assert.match(answer.body, reason);
    }
    const page = await postForm("/runs/rc-tiny/condition", { waveform: new File(["t,v\n0,1\n1,x\n"], "bad.csv") });
    assert.equal(page.status, 400);
    assert.match(page.type, /text\/html/);
    assert.match(page.body, /<h1>Bad request<\/h1>/);
    assert.match(page.body, /bad.csv row 2: &quot;1,x&quot; is not two finite numbers/);
    assert.match(page.body, /href="\/runs\/rc-tiny\/condition">Try again/);
    const unknown = await get("/api/runs/nope/condition", { method: "POST" });
    assert.equal(unknown.status, 404);
    assert.deepEqual(JSON.parse(unknown.body), { error: 'no run named "nope"' });
    assert.equal((await postCsv(uploadCsv, "?samples=10")).status, 200, "still conditioning afterwards");
    assert.equal((await get("/")).status, 200, "still serving afterwards");
  },
);

Deno.test("server: compare shows two observations' marginals overlaid with their OVL, and both waveforms", async () => {
  const page = await get("/compare?a=rc-tiny:latency-0&b=rc-tiny:latency-37.5");
  assert.equal(page.status, 200);
  assert.match(page.body, /<form method="get" action="\/compare">/);
  assert.match(page.body, /<option [^>]*value="rc-tiny:latency-37.5" selected>/);
  assert.match(page.body, /<option [^>]*value="rc-small:b" >rc-small · MEG yes trial<\/option>/);
  assert.equal(page.body.match(/<svg/g)?.length, 3 + 2, "a marginal per parameter, a waveform per side");
  const expected = JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/diagnostics/overlap.json`)).pairs;
  for (const { parameter, ovl } of expected) {
    const row = new RegExp(`<td>${parameter} \\((ms|mV)\\)</td><td>[^<]+</td><td>[^<]+</td><td>([\\d.]+)</td>`);
    assert.equal(row.exec(page.body)?.[2], ovl.toFixed(3), parameter);
  }
  const same = await get("/compare?a=rc-small:a&b=rc-small:b");
  const samples = JSON.parse(await Deno.readTextFile(`${runs}/rc-small/observations/a.json`)).samples;
  const ovl = overlapCoefficient(samples.map((s: number[]) => s[0]), samples.map((s: number[]) => s[0]));
  assert.match(same.body, new RegExp(`<td>amp1</td><td>[^<]+</td><td>[^<]+</td><td>${ovl.toFixed(3)}</td>`));
  assert.ok(ovl > 0.99, "the same samples on both sides overlap fully");
});

Deno.test("server: compare picks defaults, and refuses unknown runs and different models", async () => {
  const byRun = await get("/compare?a=rc-tiny");
  assert.equal(byRun.status, 200);
  assert.match(byRun.body, /<option [^>]*value="rc-tiny:latency-0" selected>/);
  assert.match(byRun.body, /<option [^>]*value="rc-tiny:latency-37.5" selected>/);
  assert.equal((await get("/compare")).status, 200);
  assert.equal((await get("/compare?a=nope:x")).status, 404);
  assert.equal((await get("/compare?a=rc-tiny:zzz")).status, 404);
  const mixed = await get("/compare?a=rc-small:a&b=rc-tiny:latency-0");
  assert.equal(mixed.status, 400);
  assert.match(mixed.body, /have different parameters/);
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
  for (
    const path of [
      "/runs/nope",
      "/runs/..%2F..%2Fetc",
      "/runs/.hidden/diagnostics",
      "/no/such/page",
      "/runs/nope/condition",
      "/runs/..%2F..%2Fetc/condition",
    ]
  ) {
    const page = await get(path);
    assert.equal(page.status, 404, path);
    assert.match(page.body, /Not found/, path);
  }
  assert.equal((await get("/")).status, 200, "still serving afterwards");
});

conditionTest("server: `serve` binds 127.0.0.1, prints its URL and answers, conditioning too", async () => {
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
    const text = await readUntilUrl(child.stdout);
    const url = /http:\/\/(\S+)\//.exec(text)?.[0];
    assert.ok(url?.startsWith("http://127.0.0.1:"), text);
    const response = await fetch(url!);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /rc-small/);
    // Conditioning loads tfjs and WebGPU inside the serve task's permissions.
    const conditioned = await fetch(`${url}api/runs/rc-tiny/condition?samples=20`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: uploadCsv,
    });
    assert.equal(conditioned.status, 200);
    assert.equal((await conditioned.json()).samples.length, 20);
  } finally {
    child.kill();
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
});

const tinySbc = JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/diagnostics/sbc.json`));
const tinyNames = ["amp1", "amp2", "latency"];

Deno.test("server: diagnostics of a real run add SBC's ECDF with its band, coverage per parameter, recovery", async () => {
  const page = await get("/runs/rc-tiny/diagnostics");
  assert.equal(page.status, 200);
  // 3 rank histograms, 3 ECDF differences, expected coverage, coverage per parameter, 3 recovery scatters.
  assert.equal(page.body.match(/<svg/g)?.length, 11);
  assert.match(page.body, /amp1: (inside|leaves) the 99% band/);
  assert.match(page.body, /The grey band is simultaneous/);
  assert.match(page.body, /true latency \(ms\)/);
  // Coverage of the central 50% interval: the share of pairs whose normalised rank lies in [0.25, 0.75].
  const { samples, ranks } = tinySbc, d = 3, n = ranks.length / d;
  const expected = tinyNames.map((_, j) => {
    const u = Array.from({ length: n }, (_, i) => (ranks[i * d + j] + 0.5) / (samples + 1));
    return (100 * u.filter((v) => v >= 0.25 && v <= 0.75).length / n).toFixed(1);
  });
  for (const [j, name] of tinyNames.entries()) {
    assert.match(page.body, new RegExp(`<td>${name}</td><td[^>]*>${expected[j]}%</td>`));
  }
  for (const name of tinyNames) {
    assert.match(page.body, new RegExp(`href="/runs/rc-tiny/figures/sbc-ecdf-${name}.svg"`));
  }
  assert.match((await get("/runs/rc-small/diagnostics")).body, /keeps no ranks: the ECDF plots need them/);
});

Deno.test("server: the recovery scatter's truths are the grid in the prior's units, each median inside its interval", async () => {
  const recovery = JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/diagnostics/recovery.json`));
  // RC's prior: amp1, amp2 uniform on [0, 1] mV, latency on [-75, 75] ms.
  const fromUnit = (u: number[]) => [u[0], u[1], -75 + 150 * u[2]];
  assert.equal(recovery.truth.length, 2 ** 3);
  recovery.grid_unit.forEach((u: number[], i: number) => {
    fromUnit(u).forEach((v, j) => assert.ok(Math.abs(recovery.truth[i][j] - v) < 1e-4, `point ${i}, ${j}`));
    for (let j = 0; j < 3; j++) {
      assert.ok(recovery.posterior_q025[i][j] <= recovery.posterior_median[i][j]);
      assert.ok(recovery.posterior_median[i][j] <= recovery.posterior_q975[i][j]);
    }
  });
  const svg = (await get("/runs/rc-tiny/figures/recovery-latency.svg")).body;
  assert.equal(svg.match(/<circle /g)?.length, 8, "a dot per grid point");
  assert.match(svg, /true latency \(ms\)/);
});

/** Plot numbers its clip paths per process: the only part of an SVG that differs between two renderings. */
const withoutClipIds = (svg: string) => svg.replace(/plot-clip-\d+/g, "plot-clip");

const FIGURES = ["training", "coverage", "coverage-per-parameter", "sbc-histogram-amp1", "sbc-ecdf-latency"]
  .concat(["recovery-amp2", "posterior-latency-0", "predictive-latency-37.5"]);

Deno.test("server: each figure downloads as an SVG file, each observation's samples as CSV", async () => {
  for (const name of FIGURES) {
    const response = await app.request(`/runs/rc-tiny/figures/${name}.svg`);
    assert.equal(response.status, 200, name);
    assert.equal(response.headers.get("content-type"), "image/svg+xml; charset=utf-8");
    assert.equal(response.headers.get("content-disposition"), `attachment; filename="rc-tiny-${name}.svg"`);
    assert.match(await response.text(), /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, name);
  }
  const pair = await get("/runs/rc-tiny/figures/posterior-latency-0.svg");
  assert.equal(pair.body.match(/<svg/g)?.length, 1 + 6, "one file nesting 3 marginals and 3 joints");
  assert.equal((await get("/runs/rc-tiny/figures/nope.svg")).status, 404);
  assert.equal((await get("/runs/rc-tiny/figures/training.png")).status, 404);

  const response = await app.request("/runs/rc-tiny/samples/latency-0.csv");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.equal(response.headers.get("content-disposition"), 'attachment; filename="rc-tiny-latency-0-samples.csv"');
  const [header, ...rows] = (await response.text()).trimEnd().split("\n");
  assert.equal(header, "amp1,amp2,latency");
  const record = JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/observations/latency-0.json`));
  assert.deepEqual(rows.map((r) => r.split(",").map(Number)), record.samples);
  assert.equal((await get("/runs/rc-tiny/samples/nope.csv")).status, 404);
});

Deno.test("server: posterior page toggles the prior's bounds, links its downloads, warns of a posterior like the prior", async () => {
  const page = await get("/runs/rc-tiny/posterior?obs=latency-0");
  assert.match(
    page.body,
    /href="\/runs\/rc-tiny\/posterior\?obs=latency-0&amp;bounds=prior">Show the prior&#39;s bounds/,
  );
  assert.match(page.body, /href="\/runs\/rc-tiny\/samples\/latency-0.csv"/);
  assert.match(page.body, /href="\/runs\/rc-tiny\/figures\/posterior-latency-0.svg"/);
  const wide = await get("/runs/rc-tiny/posterior?obs=latency-0&bounds=prior");
  assert.match(wide.body, />Zoom to the samples</);
  assert.match(wide.body, />1.0<\/text>/, "the amplitudes' axes reach the prior's upper bound");
  // sd of each parameter's samples over the uniform prior's sd, (high − low) / √12.
  const { samples } = JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/observations/latency-0.json`));
  const ratios = [1, 1, 150].map((range, j) => {
    const v = samples.map((s: number[]) => s[j]), mean = v.reduce((a: number, b: number) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a: number, x: number) => a + (x - mean) ** 2, 0) / (v.length - 1));
    return sd / (range / Math.sqrt(12));
  });
  for (const [j, name] of tinyNames.entries()) {
    assert.match(page.body, new RegExp(`<td>${name} \\((mV|ms)\\)</td><td>[^<]+</td><td>${ratios[j].toFixed(2)}</td>`));
  }
  const wideNames = tinyNames.filter((_, j) => ratios[j] > 0.8);
  if (wideNames.length) assert.match(page.body, new RegExp(`Hardly narrower than the prior: ${wideNames.join(", ")} `));
  else assert.doesNotMatch(page.body, /Hardly narrower/);
});

Deno.test("server: a recording is checked against the prior predictive of the run's dataset", async () => {
  // A copy of the tiny run with two recordings: the dataset's pointwise median, and the same far off scale.
  const copy = `${runs}/rc-recorded`;
  await Deno.mkdir(`${copy}/observations`, { recursive: true });
  for (const file of ["experiment.json", "posterior", "dataset", "summary.json"]) {
    await new Deno.Command("cp", { args: ["-r", `${runs}/rc-tiny/${file}`, `${copy}/`] }).output();
  }
  const { decodeNpy } = await import("../lib/data/npy.ts");
  const x = decodeNpy(await Deno.readFile(`${copy}/dataset/x.npy`));
  const median = Array.from({ length: x.cols }, (_, k) => {
    const column = Array.from({ length: 1000 }, (_, i) => x.data[i * x.cols + k]).sort((a, b) => a - b);
    return (column[499] + column[500]) / 2;
  });
  const record = { ...observation, theta_true: undefined, label: "recording" };
  await Deno.writeTextFile(`${copy}/observations/median.json`, JSON.stringify({ ...record, x: median }));
  await Deno.writeTextFile(`${copy}/observations/off.json`, JSON.stringify({ ...record, x: median.map(() => 1e6) }));
  const inside = await get("/runs/rc-recorded/waveforms?obs=median");
  assert.match(inside.body, /<h2>Prior-predictive check<\/h2>/);
  assert.match(inside.body, /bands of 1000 simulations\s+of the run&#39;s dataset/);
  assert.match(inside.body, /inside the 95% band at 100% of its time points/);
  assert.doesNotMatch(inside.body, /class="warning"/);
  const off = await get("/runs/rc-recorded/waveforms?obs=off");
  assert.match(off.body, /inside the 95% band at 0% of its time points/);
  assert.match(off.body, /class="warning">The recording leaves what the prior produces at 100%/);
  assert.match(off.body, /href="\/runs\/rc-recorded\/figures\/prior-predictive-off.svg"/);
  const simulated = await get("/runs/rc-tiny/waveforms?obs=latency-0");
  assert.doesNotMatch(simulated.body, /Prior-predictive check/, "only recordings are checked against the prior");
  assert.match(simulated.body, /bands of 4 simulations/, "the tiny run's 4 predictive simulations");
  // A record written before the count was kept: the run's budget tells it.
  const old = JSON.parse(await Deno.readTextFile(`${runs}/rc-tiny/observations/latency-0.json`));
  delete old.predictive.simulations;
  await Deno.writeTextFile(`${copy}/observations/old.json`, JSON.stringify(old));
  await Deno.writeTextFile(`${copy}/experiment.json`, JSON.stringify({ model: "rc", status: "complete" }));
  assert.match((await get("/runs/rc-recorded/waveforms?obs=old")).body, /bands of the simulations\s+from posterior/);
  await Deno.copyFile(`${runs}/rc-tiny/experiment.json`, `${copy}/experiment.json`);
  assert.match((await get("/runs/rc-recorded/waveforms?obs=old")).body, /bands of 4 simulations\s+from posterior/);
  // An x.npy that is not the manifest's (another row count) is not read as prior simulations.
  const manifest = JSON.parse(await Deno.readTextFile(`${copy}/dataset/manifest.json`));
  await Deno.writeTextFile(`${copy}/dataset/manifest.json`, JSON.stringify({ ...manifest, n: manifest.n - 1 }));
  assert.match((await get("/runs/rc-recorded/waveforms?obs=off")).body, /No simulated dataset in this run/);
  await Deno.remove(copy, { recursive: true });
});

Deno.test("cli export writes the files the report serves, into a new or empty folder only", async () => {
  const { exportCommand } = await import("../lib/cli/export.ts");
  const out = await Deno.makeTempDir({ prefix: "neurosbi-export-" });
  try {
    await exportCommand({ run: `${runs}/rc-tiny`, out: `${out}/files` });
    const names = [...Deno.readDirSync(`${out}/files`)].map((e) => e.name).sort();
    for (const name of FIGURES) assert.ok(names.includes(`${name}.svg`), name);
    for (const id of ["latency-0", "latency-37.5"]) {
      assert.equal(
        await Deno.readTextFile(`${out}/files/samples-${id}.csv`),
        (await get(`/runs/rc-tiny/samples/${id}.csv`)).body,
      );
    }
    for (const name of names.filter((n) => n.endsWith(".svg"))) {
      const served = (await get(`/runs/rc-tiny/figures/${name}`)).body;
      assert.equal(withoutClipIds(await Deno.readTextFile(`${out}/files/${name}`)), withoutClipIds(served), name);
    }
    await Deno.writeTextFile(`${out}/taken.txt`, "x");
    await assert.rejects(exportCommand({ run: `${runs}/rc-tiny`, out }), /must be a new or empty folder/);
    await assert.rejects(exportCommand({ run: `${runs}/nope`, out: `${out}/other` }), /is not a run folder/);
    await assert.rejects(exportCommand({ run: `${runs}/empty-run`, out: `${out}/other` }), /nothing to export/);
    assert.deepEqual([...Deno.readDirSync(out)].map((e) => e.name).sort(), ["files", "taken.txt"], "nothing partial");
    // As a user runs it: its own process, a one-line error and a non-zero exit; the files on success.
    const refused = await cli("export", "--run", `${runs}/rc-tiny`, "--out", out);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), `error: --out ${out} must be a new or empty folder`);
    const done = await cli("export", "--run", `${runs}/rc-tiny`, "--out", `${out}/by-cli`);
    assert.equal(done.code, 0, done.stderr);
    assert.deepEqual([...Deno.readDirSync(`${out}/by-cli`)].map((e) => e.name).sort(), names);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

/** A CSV upload to the live server's condition API; many samples make a job that runs for seconds. */
const postUpload = (origin: string, samples: number, signal?: AbortSignal) =>
  fetch(`${origin}/api/runs/rc-tiny/condition?samples=${samples}`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: uploadCsv,
    signal,
  });

/** Wait (a bounded number of turns) until `done` holds. */
async function until(done: () => boolean) {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** `run` with its predictive simulations held until `release`: a job that keeps its slot without using the CPU. */
function holdSimulations(run: RunPosterior) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const simulate: typeof run.simulator.simulate = async (...args) => {
    await gate;
    return await run.simulator.simulate(...args);
  };
  return { run: { ...run, simulator: { ...run.simulator, simulate } }, release };
}

conditionTest(
  "server: clients that leave the conditioning queue free it; a full queue answers 503 with Retry-After",
  async () => {
    const conditioner = new RunConditioner({ running: 1, waiting: 3 });
    const server = await startServer(runs, { dataDir: data, conditioner });
    const held = holdSimulations(await conditioner.run(`${runs}/rc-tiny`));
    try {
      const holder = conditioner.condition(held.run, Float32Array.from(observation.x), "held", {
        ...CONDITION_DEFAULTS,
        samples: 10,
      });
      await until(() => conditioner.load.running === 1);
      const clients = [0, 1, 2].map(() => new AbortController());
      // Picks, as the condition page's form sends them: Deno's server reports a client that left only for requests
      // with small bodies (under about 1 kB), so an uploaded CSV's job runs on until its turn comes.
      const leaving = clients.map((client) =>
        fetch(`${server.origin}/api/runs/rc-tiny/condition?samples=10`, {
          method: "POST",
          body: new URLSearchParams({ source: "observation:latency-0" }),
          signal: client.signal,
        }).catch((error) => error.name)
      );
      await until(() => conditioner.load.waiting === 3);
      const busy = await postUpload(server.origin, 10);
      assert.equal(busy.status, 503);
      assert.equal(busy.headers.get("retry-after"), "5");
      assert.deepEqual(await busy.json(), {
        error: "the report is busy with 4 conditioning jobs: try again in a few seconds",
      });
      const form = new FormData();
      form.append("source", "observation:latency-0");
      const page = await fetch(`${server.origin}/runs/rc-tiny/condition`, { method: "POST", body: form });
      assert.equal(page.status, 503);
      assert.match(await page.text(), /<h1>Busy<\/h1>/);
      for (const client of clients) client.abort();
      assert.deepEqual(await Promise.all(leaving), ["AbortError", "AbortError", "AbortError"]);
      await until(() => conditioner.load.waiting === 0);
      assert.deepEqual(conditioner.load, { running: 1, waiting: 0, completed: 0 }, "the queue emptied without work");
      held.release();
      assert.equal((await holder).samples.length, 10);
      assert.equal((await postUpload(server.origin, 10)).status, 200, "the next client is served");
      assert.deepEqual(conditioner.load, { running: 0, waiting: 0, completed: 2 }, "none of the three ever ran");
    } finally {
      held.release();
      await server.close();
      await conditioner.dispose();
    }
  },
);

conditionTest("server: conditioning jobs whose clients left stop, and the waiting ones never start", async () => {
  const conditioner = new RunConditioner({ running: 1, waiting: 8 });
  try {
    const run = await conditioner.run(`${runs}/rc-tiny`);
    const x = Float32Array.from(observation.x);
    const clients = [0, 1, 2, 3].map(() => new AbortController());
    const jobs = clients.map((client) =>
      conditioner.condition(run, x, "upload", { ...CONDITION_DEFAULTS, samples: 10_000 }, client.signal)
        .catch((error) => error.name)
    );
    await until(() => conditioner.load.running === 1);
    assert.deepEqual(conditioner.load, { running: 1, waiting: 3, completed: 0 });
    for (const client of clients) client.abort();
    assert.deepEqual(await Promise.all(jobs), ["AbortError", "AbortError", "AbortError", "AbortError"]);
    await until(() => conditioner.load.running === 0);
    assert.deepEqual(conditioner.load, { running: 0, waiting: 0, completed: 0 });
  } finally {
    await conditioner.dispose();
  }
});

conditionTest("server: a conditioning job aborted during its predictive simulations stops there", async () => {
  const runtime = await GpuRuntime.acquire({ notice: () => {} });
  const run = await loadRunPosterior(`${runs}/rc-tiny`);
  try {
    const client = new AbortController();
    let simulated = 0;
    const leaving = {
      ...run,
      simulator: {
        ...run.simulator,
        simulate: async (...args: Parameters<typeof run.simulator.simulate>) => {
          client.abort(new DOMException("the client went away", "AbortError"));
          const x = await run.simulator.simulate(...args);
          simulated++;
          return x;
        },
      },
    };
    const x = Float32Array.from(observation.x);
    await assert.rejects(conditionRun(runtime, leaving, x, "upload", CONDITION_DEFAULTS, client.signal), {
      name: "AbortError",
      message: "the client went away",
    });
    assert.equal(simulated, 0, "the simulation stopped after its first chunk");
    const result = await conditionRun(runtime, run, x, "upload", { ...CONDITION_DEFAULTS, samples: 30 });
    assert.equal(result.samples.length, 30, "without a signal the same run conditions as before");
  } finally {
    run.posterior.dispose();
    runtime.destroy();
  }
});
