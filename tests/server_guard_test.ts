/**
 * The report against hostile or broken input: bad run folders are shown as bad while the others are served as
 * usual, requests addressed to other hosts or posted from other sites are refused, and wrong methods get 405.
 * Requests go to a real server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { cli } from "./reference/cli.ts";
import { addBadRuns, makeSyntheticRuns } from "./reference/synthetic_runs.ts";
import { rawRequest, readUntilUrl, startServer } from "./reference/live_server.ts";

const runs = await makeSyntheticRuns();
await addBadRuns(runs);
globalThis.addEventListener("unload", () => Deno.removeSync(runs, { recursive: true }));

async function withServer(fn: (origin: string, port: number) => Promise<void>) {
  const server = await startServer(runs, { dataDir: runs });
  try {
    await fn(server.origin, server.port);
  } finally {
    await server.close();
  }
}

async function get(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    allow: response.headers.get("allow"),
    body: await response.text(),
  };
}

Deno.test("report: a truncated experiment.json marks its run bad on the index and the API; the others as usual", () =>
  withServer(async (origin) => {
    const index = await get(`${origin}/`);
    assert.equal(index.status, 200);
    assert.match(index.type, /text\/html/);
    assert.match(index.body, /href="\/runs\/rc-small\/">rc-small<\/a><\/td><td>rc<\/td><td>complete<\/td>/);
    assert.match(
      index.body,
      /href="\/runs\/truncated\/">truncated<\/a><\/td><td>—<\/td><td><span class="bad">bad: run truncated: experiment.json is not valid JSON \(.+\)<\/span>/,
    );
    assert.doesNotMatch(index.body, /notes\.txt/, "a plain file is no run");
    const api = await get(`${origin}/api/runs`);
    assert.equal(api.status, 200);
    const listed = JSON.parse(api.body) as { name: string; status: string; problem?: string }[];
    assert.deepEqual(listed.map((r) => r.name), [
      "bad-observation",
      "bad-posterior",
      "empty-run",
      "rc-small",
      "truncated",
    ]);
    assert.deepEqual(listed.find((r) => r.name === "rc-small"), { name: "rc-small", model: "rc", status: "complete" });
    const bad = listed.find((r) => r.name === "truncated")!;
    assert.equal(bad.status, "bad");
    assert.match(bad.problem!, /^run truncated: experiment.json is not valid JSON/);
  }));

Deno.test("report: a bad run's pages are HTML error pages with the reason; its good pages still work", () =>
  withServer(async (origin) => {
    const cases: [string, RegExp][] = [
      ["/runs/truncated/", /run truncated: experiment.json is not valid JSON/],
      ["/runs/bad-posterior/", /run bad-posterior: posterior\/posterior.json is not valid JSON/],
      ["/runs/bad-posterior/condition", /run bad-posterior: posterior\/posterior.json is not valid JSON/],
      [
        "/runs/bad-observation/waveforms?obs=b",
        /run bad-observation: observations\/b.json is not a valid record \(label: invalid input: expected string, received number\)/,
      ],
      ["/runs/bad-observation/posterior?obs=b", /observations\/b.json is not a valid record/],
    ];
    for (const [path, reason] of cases) {
      const page = await get(origin + path);
      assert.equal(page.status, 500, path);
      assert.match(page.type, /text\/html/, path);
      assert.match(page.body, /<h1>Bad run<\/h1>/, path);
      assert.match(page.body, reason, path);
    }
    const good = await get(`${origin}/runs/bad-observation/waveforms?obs=a`);
    assert.equal(good.status, 200);
    assert.match(good.body, /θ = \[0.3, 0.5\]/);
    assert.equal((await get(`${origin}/runs/bad-posterior/diagnostics`)).status, 200);
    const api = await get(`${origin}/api/runs/bad-posterior/condition`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: "0,1\n1,2\n",
    });
    assert.match(api.type, /application\/json/);
    assert.match(JSON.parse(api.body).error, /bad-posterior/);
  }));

Deno.test("report: compare lists a bad observation as not selectable and compares the good ones", () =>
  withServer(async (origin) => {
    const page = await get(`${origin}/compare`);
    assert.equal(page.status, 200);
    assert.match(
      page.body,
      /<option key="bad-observation:b" disabled value="bad-observation:b" >bad-observation:b \(bad: /,
    );
    assert.match(page.body, /<option [^>]*value="bad-observation:a" selected>/, "the first good observation");
    assert.match(page.body, /<h2>Posterior marginals<\/h2>/);
    const asked = await get(`${origin}/compare?a=rc-small:a&b=bad-observation:b`);
    assert.equal(asked.status, 500);
    assert.match(asked.body, /observations\/b.json is not a valid record/);
  }));

Deno.test("report: a figure or samples download reads only its own files, so only those of a bad file fail", async () => {
  // bad-sbc: rc-small with SBC ranks that are not numbers.
  const run = `${runs}/bad-sbc`;
  for (const folder of ["dataset", "diagnostics", "observations"]) {
    await Deno.mkdir(`${run}/${folder}`, { recursive: true });
  }
  for (const file of ["experiment.json", "dataset/manifest.json", "observations/a.json"]) {
    await Deno.copyFile(`${runs}/rc-small/${file}`, `${run}/${file}`);
  }
  const sbc = JSON.parse(await Deno.readTextFile(`${runs}/rc-small/diagnostics/sbc.json`));
  await Deno.writeTextFile(`${run}/diagnostics/sbc.json`, JSON.stringify({ ...sbc, ranks: ["0", "1"] }));
  try {
    await withServer(async (origin) => {
      const bad: [string, RegExp][] = [
        ["/runs/bad-observation/figures/posterior-b.svg", /observations\/b.json is not a valid record \(label: /],
        ["/runs/bad-observation/samples/b.csv", /observations\/b.json is not a valid record \(label: /],
        ["/runs/bad-sbc/diagnostics", /diagnostics\/sbc.json is not a valid record \(ranks.0: .*expected number/],
        ["/runs/bad-sbc/figures/sbc-histogram-amp1.svg", /diagnostics\/sbc.json is not a valid record/],
      ];
      for (const [path, reason] of bad) {
        const page = await get(origin + path);
        assert.equal(page.status, 500, path);
        assert.match(page.body, /<h1>Bad run<\/h1>/, path);
        assert.match(page.body, reason, path);
      }
      const good: [string, RegExp][] = [
        ["/runs/bad-observation/diagnostics", /text\/html/],
        ["/runs/bad-observation/figures/sbc-histogram-amp1.svg", /image\/svg\+xml/],
        ["/runs/bad-observation/figures/posterior-a.svg", /image\/svg\+xml/],
        ["/runs/bad-observation/samples/a.csv", /text\/csv/],
        ["/runs/bad-sbc/figures/posterior-a.svg", /image\/svg\+xml/],
        ["/runs/bad-sbc/waveforms?obs=a", /text\/html/],
      ];
      for (const [path, type] of good) {
        const page = await get(origin + path);
        assert.equal(page.status, 200, path);
        assert.match(page.type, type, path);
      }
    });
  } finally {
    await Deno.remove(run, { recursive: true });
  }
});

Deno.test("report: `cli export` of a run with a bad file fails with one line naming it and writes nothing", async () => {
  const out = await Deno.makeTempDir({ prefix: "neurosbi-export-" });
  try {
    const refused = await cli("export", "--run", `${runs}/bad-observation`, "--out", `${out}/report`);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr.trim(),
      /^error: run bad-observation: observations\/b.json is not a valid record \(label: [^\n]+\)$/,
    );
    assert.deepEqual([...Deno.readDirSync(out)], [], "no folder, not even a partial one");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("report: a plain file in the runs folder is not found, as a page and through the API", () =>
  withServer(async (origin) => {
    for (const path of ["/runs/notes.txt", "/runs/notes.txt/diagnostics", "/runs/notes.txt/condition"]) {
      const page = await get(origin + path);
      assert.equal(page.status, 404, path);
      assert.match(page.body, /<h1>Not found<\/h1>/, path);
      assert.match(page.body, /no run named &quot;notes.txt&quot;/, path);
    }
    const api = await get(`${origin}/api/runs/notes.txt/condition`, { method: "POST" });
    assert.equal(api.status, 404);
    assert.deepEqual(JSON.parse(api.body), { error: 'no run named "notes.txt"' });
  }));

Deno.test("report: requests addressed to a host other than the bound one or loopback names are refused", () =>
  withServer(async (_origin, port) => {
    const request = (host: string) => rawRequest(port, `GET /api/runs HTTP/1.1\nHost: ${host}\nConnection: close`);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const answer = await request(host);
      assert.equal(answer.status, 200, host);
      assert.match(answer.text, /"name":"rc-small"/, host);
    }
    for (const host of [`attacker.example:${port}`, "attacker.example", `127.0.0.1:${port + 1}`, `localhost`]) {
      const answer = await request(host);
      assert.equal(answer.status, 403, host);
      assert.match(answer.text, /does not answer to .*--allow-host/, host);
      assert.doesNotMatch(answer.text, /rc-small/, host);
    }
    const page = await rawRequest(port, `GET / HTTP/1.1\nHost: attacker.example:${port}\nConnection: close`);
    assert.equal(page.status, 403);
    assert.match(page.text, /<h1>Forbidden<\/h1>/);
  }));

Deno.test("report: --allow-host adds names the report answers to, and only those", async () => {
  const server = await startServer(runs, { allowHost: ["report.example", "Lab-PC"] });
  try {
    const request = (host: string) =>
      rawRequest(server.port, `GET /api/runs HTTP/1.1\nHost: ${host}:${server.port}\nConnection: close`);
    for (const host of ["report.example", "lab-pc", "LAB-PC"]) assert.equal((await request(host)).status, 200, host);
    for (const host of ["other.example", "report.example.attacker.example"]) {
      assert.equal((await request(host)).status, 403, host);
    }
  } finally {
    await server.close();
  }
});

Deno.test("report: cross-site posts are refused with 403 whatever their content type; same-site and scripts pass", () =>
  withServer(async (origin) => {
    const post = (path: string, headers: Record<string, string>, body: BodyInit) =>
      get(origin + path, { method: "POST", headers, body });
    const form = () => {
      const data = new FormData();
      data.append("source", "");
      return data;
    };
    const refused: [string, Record<string, string>, () => BodyInit][] = [
      ["/runs/rc-small/condition", { origin: "http://attacker.example" }, form],
      [
        "/api/runs/rc-small/condition",
        { origin: "http://attacker.example", "content-type": "text/plain" },
        () => "0,1",
      ],
      ["/api/runs/rc-small/condition", { origin: "null", "content-type": "text/csv" }, () => "0,1"],
      ["/api/runs/rc-small/condition", { "sec-fetch-site": "cross-site", "content-type": "text/plain" }, () => "0,1"],
      ["/runs/rc-small/condition", { "sec-fetch-site": "same-site" }, form],
    ];
    for (const [path, headers, body] of refused) {
      const answer = await post(path, headers, body());
      assert.equal(answer.status, 403, JSON.stringify(headers));
      assert.match(answer.body, /refused/);
      assert.match(answer.type, path.startsWith("/api/") ? /application\/json/ : /text\/html/);
    }
    // These reach the handler, which finds no waveform in the form: 400, not 403.
    for (const headers of [{ origin }, { "sec-fetch-site": "same-origin" }, {}] as Record<string, string>[]) {
      const answer = await post("/api/runs/rc-small/condition", headers, form());
      assert.equal(answer.status, 400, JSON.stringify(headers));
      assert.match(answer.body, /give a waveform file/);
    }
  }));

Deno.test("report: GET on a POST-only route answers 405 with Allow; POST on a page answers 405 too", () =>
  withServer(async (origin) => {
    const api = await get(`${origin}/api/runs/rc-small/condition`);
    assert.equal(api.status, 405);
    assert.equal(api.allow, "POST");
    assert.match(api.type, /application\/json/);
    assert.match(JSON.parse(api.body).error, /GET is not served at \/api\/runs\/rc-small\/condition: use POST/);
    const page = await get(`${origin}/runs/rc-small/diagnostics`, { method: "POST", body: "" });
    assert.equal(page.status, 405);
    assert.equal(page.allow, "GET, HEAD");
    assert.match(page.body, /<h1>Method not allowed<\/h1>/);
    assert.equal((await get(`${origin}/no/such/page`)).status, 404, "unknown paths stay 404");
  }));

Deno.test("report: `deno task serve --host localhost` listens and answers through the task's permissions", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "serve", "--runs", runs, "--port", "0", "--host", "localhost"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const text = await readUntilUrl(child.stdout);
    const port = /http:\/\/\S+:(\d+)\//.exec(text)?.[1];
    assert.ok(port, `no URL printed: ${text}`);
    const answer = await get(`http://localhost:${port}/api/runs`);
    assert.equal(answer.status, 200);
    assert.ok(JSON.parse(answer.body).some((r: { name: string }) => r.name === "rc-small"));
  } finally {
    // `deno task` passes no signal on to the server it started: stop that process by its command line too. The task
    // goes first: once its server is gone it exits by itself, and killing an exited child throws.
    const server = ["-f", `lib/cli/main.ts serve --runs ${runs} --port 0`];
    const status = await Promise.race([child.status, Promise.resolve(undefined)]);
    if (status === undefined) child.kill();
    await new Deno.Command("pkill", { args: server }).output();
    await child.status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    const left = await new Deno.Command("pgrep", { args: server }).output();
    assert.equal(left.code, 1, `a server is still running: ${new TextDecoder().decode(left.stdout)}`);
  }
});

Deno.test("report: serve refuses a host name that is no address with a one-line error", async () => {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "serve", "--runs", runs, "--port", "0", "--allow-host", "evil.example/x"],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.notEqual(result.code, 0);
  assert.match(new TextDecoder().decode(result.stderr), /"evil.example\/x" is not a host name or IP address/);
});
