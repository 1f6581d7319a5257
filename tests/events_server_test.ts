/**
 * The beta-event report pages render the subject's real numbers: the event count, the rates before detected and
 * missed taps and the bin counts, recomputed here from the recordings; a trial's TFR with its events; the compare
 * link of a run conditioned on the subject's events; bad subjects and trials refused.
 */
import assert from "node:assert/strict";
import { readNpy } from "../lib/data/npy.ts";
import { dataPath } from "../lib/data/paths.ts";
import { detectEvents, readTrials } from "../lib/events/detect.ts";
import { eventWaveforms } from "../lib/events/waveforms.ts";
import { createApp } from "../lib/server/app.tsx";
import { servedHosts } from "../lib/server/request_guard.ts";
import { makeDataFolder, makeSyntheticRuns } from "./reference/synthetic_runs.ts";

const runs = await makeSyntheticRuns();
const data = await makeDataFolder();
globalThis.addEventListener("unload", () => {
  for (const dir of [runs, data]) Deno.removeSync(dir, { recursive: true });
});
// A run conditioned on two trough bins of subjects 1 and 2 pooled, as the beta experiment records them.
await Deno.mkdir(`${runs}/beta-events/observations`, { recursive: true });
for (const [id, bin] of [["pair-shallow", [-60, -30]], ["pair-deep", [-100, -60]]] as const) {
  await Deno.writeTextFile(
    `${runs}/beta-events/observations/${id}.json`,
    JSON.stringify({
      label: `events ${bin.join("…")}`,
      times_ms: [158],
      x: [0],
      samples: [[1, 2]],
      recording: { beta_meg_subjects: [1, 2], trough_bin_nam: bin, n_events: 5 },
    }),
  );
}
// A run whose observation is not a valid record: left out of the links, not breaking the pages.
await Deno.mkdir(`${runs}/beta-broken/observations`, { recursive: true });
await Deno.writeTextFile(`${runs}/beta-broken/observations/cut.json`, '{"label": "cut", "recording": {"beta_m');
const app = await createApp(runs, { dataDir: data });

async function get(path: string) {
  const response = await app.request(path);
  return { status: response.status, body: await response.text() };
}

const SUBJECT = 2;
const trials = await readTrials(dataPath("meg", "beta", `subject${SUBJECT}_prestim.npy.gz`));
const detected = (await readNpy(dataPath("meg", "beta", `subject${SUBJECT}_detected.npy`))).data;
const events = detectEvents(trials, { fs: 600, band: [15, 29], thresholdFom: 6 });

Deno.test("events pages: the index links every subject, with its event count and rates", async () => {
  const page = await get("/events");
  assert.equal(page.status, 200);
  for (let n = 1; n <= 10; n++) assert.match(page.body, new RegExp(`href="/events/${n}">subject ${n}</a>`));
  const rate = (flag: number) => {
    const chosen = events.filter((_, i) => detected[i] === flag);
    return (chosen.reduce((sum, e) => sum + e.length, 0) / chosen.length).toFixed(3);
  };
  const total = events.reduce((sum, e) => sum + e.length, 0);
  const row = `subject ${SUBJECT}</a></td><td>${total}</td><td>${rate(1)}</td><td>${rate(0)}</td>`;
  assert.ok(page.body.includes(row), row);
});

Deno.test("events pages: a subject's counts, rates and bins are the recordings'", async () => {
  const page = await get(`/events/${SUBJECT}`);
  assert.equal(page.status, 200);
  const total = events.reduce((sum, e) => sum + e.length, 0);
  assert.ok(page.body.includes(`${total} events in 200 trials of 1 s`), "event count");
  for (const [name, flag] of [["detected", 1], ["missed", 0]] as const) {
    const chosen = events.filter((_, i) => detected[i] === flag);
    const count = chosen.reduce((sum, e) => sum + e.length, 0);
    const rate = (count / chosen.length).toFixed(3); // 1 s trials
    const row = `<td>${name} taps</td><td>${chosen.length}</td><td>${count}</td><td>${rate}</td>`;
    assert.ok(page.body.includes(row), `${name}: ${row}`);
  }
  const bins = eventWaveforms(trials, events, { fs: 600, binEdgesNam: [-100, -60, -30], toNam: 1e9, segmentMs: 100 });
  for (const bin of bins.bins) {
    assert.ok(page.body.includes(`<td>${bin.lower_nam}…${bin.upper_nam}</td><td>${bin.n_events}</td>`));
    assert.ok(page.body.includes(`${bin.lower_nam}…${bin.upper_nam} nAm (${bin.n_events} events)`), "legend");
  }
  assert.match(page.body, /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(page.body.includes('href="/compare?a=beta-events:pair-deep&amp;b=beta-events:pair-shallow"'));
});

Deno.test("events pages: a chosen trial's TFR marks its events; bad subjects and trials are refused", async () => {
  const trial = events.findIndex((e) => e.length >= 2);
  const page = await get(`/events/${SUBJECT}?trial=${trial}`);
  assert.equal(page.status, 200);
  const tap = detected[trial] === 1 ? "detected" : "missed";
  const n = events[trial].length;
  const title = `Trial ${trial} (${tap} tap): power over the median at its frequency; ${n} event${n === 1 ? "" : "s"}`;
  assert.ok(page.body.includes(title), title);
  // One dot per event, at its peak.
  const dots = /<g[^>]*aria-label="dot"[^>]*>(.*?)<\/g>/s.exec(page.body)?.[1] ?? "";
  assert.equal([...dots.matchAll(/<circle/g)].length, events[trial].length);
  assert.equal((await get(`/events/${SUBJECT}?trial=200`)).status, 400);
  assert.equal((await get(`/events/${SUBJECT}?trial=-1`)).status, 400);
  assert.equal((await get("/events/11")).status, 404);
  assert.equal((await get("/events/1x")).status, 404);
  const other = await get("/events/3");
  assert.match(other.body, /No run holds posteriors conditioned on this subject/);
});

Deno.test("events pages: a run with a broken observation is left out; other hosts are refused", async () => {
  const page = await get("/events/1");
  assert.equal(page.status, 200);
  assert.ok(page.body.includes('href="/compare?a=beta-events:pair-deep&amp;b=beta-events:pair-shallow"'));
  assert.ok(!page.body.includes("beta-broken"));
  const guarded = await createApp(runs, { dataDir: data, served: servedHosts("127.0.0.1", 8000) });
  // The request's URL is what a server builds from the Host header.
  const at = (host: string) => guarded.request(`http://${host}/events/1?trial=0`);
  const own = await at("127.0.0.1:8000");
  assert.equal(own.status, 200);
  await own.body?.cancel();
  const other = await at("evil.example:8000");
  assert.equal(other.status, 403);
  assert.match(await other.text(), /evil\.example/);
});
