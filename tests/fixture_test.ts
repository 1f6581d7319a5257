import assert from "node:assert/strict";
import { join } from "node:path";
import { readFixture, readGzipJson } from "../lib/hnn/reference/fixture.ts";
import { cli } from "./reference/cli.ts";

const dir = await Deno.makeTempDir({ prefix: "neurosbi-fixture-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The fields readFixture requires, with values of their kinds. */
const MINIMAL = {
  dt_ms: 0.025,
  tstop_ms: 10,
  gid_ranges: { L2_basket: [0, 1] },
  spikes: { times_ms: [1.5, 4], gids: [0, 0] },
  soma_v_mV: { "0": [-65, -64.5] },
};

async function write(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await Deno.writeFile(path, bytes);
  return path;
}

Deno.test("fixture: a well-formed fixture reads back as written", async () => {
  const path = await write("good.json.gz", await gzip(JSON.stringify(MINIMAL)));
  assert.deepEqual(await readFixture(path), MINIMAL);
  assert.deepEqual(await readGzipJson(new URL(`file://${path}`)), MINIMAL);
});

Deno.test("fixture: a missing, garbage, truncated or incomplete file fails in one line naming it and the fault", async () => {
  const whole = await gzip(JSON.stringify({ ...MINIMAL, padding: Array.from({ length: 2000 }, (_, i) => i) }));
  const { dt_ms: _, ...noDt } = MINIMAL;
  const cases: [string, Uint8Array | undefined, RegExp][] = [
    ["missing.json.gz", undefined, /missing\.json\.gz: no such file$/],
    ["plain.json.gz", new TextEncoder().encode(JSON.stringify(MINIMAL)), /plain\.json\.gz: not gzip-compressed/],
    ["empty.json.gz", new Uint8Array(), /empty\.json\.gz: not gzip-compressed/],
    ["truncated.json.gz", whole.slice(0, whole.length >> 1), /truncated\.json\.gz: truncated or corrupt gzip data$/],
    ["text.json.gz", await gzip("dt_ms = 0.025"), /text\.json\.gz: not JSON once decompressed \(/],
    ["array.json.gz", await gzip("[1, 2]"), /array\.json\.gz: not an hnn fixture \(the JSON is not an object\)$/],
    ["no-dt.json.gz", await gzip(JSON.stringify(noDt)), /no-dt\.json\.gz: not an hnn fixture \(no dt_ms\)$/],
    [
      "string-dt.json.gz",
      await gzip(JSON.stringify({ ...MINIMAL, dt_ms: "0.025" })),
      /string-dt\.json\.gz: dt_ms is "0\.025", not a JSON number$/,
    ],
    [
      "spikes.json.gz",
      await gzip(JSON.stringify({ ...MINIMAL, spikes: { times_ms: [] } })),
      /spikes\.json\.gz: spikes must hold the arrays times_ms and gids$/,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    const path = bytes ? await write(name, bytes) : join(dir, name);
    await assert.rejects(readFixture(path), (error: Error) => {
      assert.match(error.message, message);
      assert.ok(error.message.startsWith(path), error.message);
      assert.ok(!error.message.includes("\n"), error.message);
      return true;
    });
  }
});

Deno.test("cli: replay of a damaged fixture prints one line naming it and writes nothing", async () => {
  const whole = await gzip(JSON.stringify(MINIMAL));
  const path = await write("cut.json.gz", whole.slice(0, whole.length - 6));
  const out = join(dir, "replayed.json");
  const run = await cli("replay", "--fixture", path, "--out", out);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, `error: ${path}: truncated or corrupt gzip data\n`);
  await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
});
