/**
 * lib/runs: every record of a run folder written and read back, malformed records named with their file and
 * reason, records written before `version` was kept (docs/results' real run folder), atomic writing, and the
 * report's modules importing each other without a circle.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isTempName } from "../lib/data/atomic.ts";
import { readRunLock } from "../lib/runs/lock.ts";
import * as paths from "../lib/runs/paths.ts";
import { observationFile, PROGRESS_FILE, runPath } from "../lib/runs/paths.ts";
import { parseProgressLine, ProgressLog } from "../lib/runs/progress.ts";
import { BadRun, observationIds, readRecord, requireRecord } from "../lib/runs/read.ts";
import {
  COVERAGE,
  EXPERIMENT,
  observationRecord,
  OVERLAP,
  PACK,
  RECOVERY,
  RECOVERY_PROGRESS,
  RUN_CONFIG,
  RUN_LOCK,
  type RunRecord,
  SBC,
  SBC_PROGRESS,
  TRAINING,
} from "../lib/runs/records.ts";
import { RUN_RECORD_VERSION } from "../lib/runs/types.ts";
import { writeRecord, writeRecordFile } from "../lib/runs/write.ts";
import { progressStream } from "../lib/server/progress.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
/** A real run folder, as an experiment wrote it before records carried a version. */
const OLD_RUN = join(REPO, "docs/results/beta-small-real");

const dir = await Deno.makeTempDir({ prefix: "neurosbi-runs-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
let folders = 0;
const newRun = () => Deno.makeTempDir({ dir, prefix: `run${folders++}-` });

const bands = { times_ms: [0, 1], q025: [0, 0], q25: [1, 1], q50: [2, 2], q75: [3, 3], q975: [4, 4] };
/** One value of each record, as lib/experiments/run.ts writes them. */
const VALUES: [RunRecord<unknown>, Record<string, unknown>][] = [
  [EXPERIMENT, { name: "rc", model: "rc", status: "running", noise: 0.1, command: "deno task cli experiment" }],
  [RUN_CONFIG, { name: "mine", recording_units: { scale: 3000, smooth_ms: 20 } }],
  [TRAINING, { epochs: [{ epoch: 1, train_loss: 2.5, validation_loss: 2.75 }], best_epoch: 1, seconds: 3 }],
  [observationRecord("a"), {
    id: "a",
    label: "A",
    times_ms: [0, 1],
    x: [0.5, 1],
    samples: [[1, 2]],
    predictive: bands,
  }],
  [SBC, {
    parameters: ["a"],
    samples: 9,
    ranks: [3, 4],
    ks: [{ statistic: 0.25, pValue: 0.5, rejected: false }],
    histogram: { bins: 2, counts: [[1, 1]], band: [0, 2] },
  }],
  [COVERAGE, { levels: [0.5, 1], coverage: [0.5, 1], maxDeviation: 0 }],
  [RECOVERY, { truth: [[0.5]], posterior_median: [[0.5]], posterior_q025: [[0]], posterior_q975: [[1]] }],
  [OVERLAP, { pairs: [{ parameter: "a", ovl: 0.5 }], recordings: [], recording_pairs: [] }],
  [RECOVERY_PROGRESS, {
    settings: { seed: 0, gridPoints: 2, gridSamples: 60, predictiveSims: 4 },
    points: [{ error: [0.25], q025: [0], median: [0.5], q975: [1], rmse: 0.125 }],
  }],
  [SBC_PROGRESS, { settings: { seed: 0, sbcPairs: 2, sbcSamples: 9 }, pairs: [{ ranks: [3], level: 0.75 }] }],
  [PACK, {
    format: "neurosbi-run-pack/1",
    run: "erp-paper",
    created: "2026-01-01T00:00:00Z",
    parts: [{ file: "erp-paper.tar.gz.00", bytes: 3, sha256: "ab" }],
    files: 2,
    bytes: 9,
    left_behind: [{ path: "dataset/x.npy", bytes: 4 }],
    left_behind_reason: "asked to leave the dataset's arrays behind",
  }],
  [RUN_LOCK, { pid: 7, host: "node1", started: "2026-01-01T00:00:00Z", heartbeat: "2026-01-01T00:00:30Z" }],
];

Deno.test("run records: each record written is read back as written, with version 1 where it carries one", async () => {
  const run = await newRun();
  for (const [record, value] of VALUES) {
    await writeRecord(run, record, value);
    const expected = record.versioned ? { version: RUN_RECORD_VERSION, ...value } : value;
    assert.deepEqual(await readRecord(run, record), expected, record.file);
    const text = await Deno.readTextFile(runPath(run, record.file));
    assert.deepEqual(JSON.parse(text), expected, `${record.file} on disk`);
    assert.equal(text.includes("\n  "), record.indented, `${record.file} indented only when for people`);
  }
  assert.deepEqual(await observationIds(run), ["a"]);
  assert.deepEqual(await readRunLock(run), { version: 1, ...VALUES.at(-1)![1] }, "the lock reads as a lock");
});

Deno.test("run records: progress lines are appended and read back; a line that is no progress record is not", async () => {
  const run = await newRun();
  const echoed: string[] = [];
  const log = new ProgressLog(run, (line) => echoed.push(line));
  await log.write("simulate", { done: 3, total: 4 });
  await log.write("done");
  const lines = (await Deno.readTextFile(runPath(run, PROGRESS_FILE))).trimEnd().split("\n");
  const [first, second] = lines.map(parseProgressLine);
  assert.deepEqual({ ...first, time: undefined }, {
    version: 1,
    stage: "simulate",
    done: 3,
    total: 4,
    time: undefined,
  });
  assert.equal(second?.stage, "done");
  assert.ok(!Number.isNaN(Date.parse(first!.time)), "time is an ISO date");
  assert.deepEqual(echoed, ["simulate 3/4", "done"]);
  assert.equal(parseProgressLine('{"time": "t", "stage": 3}'), undefined);
  assert.equal(parseProgressLine('{"time": "t", "sta'), undefined);
  assert.equal(parseProgressLine('{"version": 2, "time": "t", "stage": "train"}'), undefined);
});

Deno.test("run records: the report streams the progress lines that are progress records, then the status", async () => {
  const run = await newRun();
  await writeRecord(run, EXPERIMENT, { model: "rc", status: "complete" });
  const lines = [
    '{"time":"t0","stage":"simulate","done":1,"total":4}',
    "not a record",
    '{"version":2,"time":"t1","stage":"train"}',
    '{"version":1,"time":"t2","stage":"done"}',
  ];
  await Deno.writeTextFile(runPath(run, PROGRESS_FILE), lines.join("\n") + "\n");
  const text = await progressStream(run, new AbortController().signal).text();
  assert.equal(
    text,
    `event: progress\ndata: ${lines[0]}\n\nevent: progress\ndata: ${lines[3]}\n\n` +
      `event: status\ndata: {"status":"complete"}\n\n`,
  );
});

Deno.test("run records: a malformed record is a BadRun naming the run, the file and the reason", async () => {
  const run = await newRun();
  const write = (file: string, text: string) =>
    Deno.mkdir(dirname(runPath(run, file)), { recursive: true }).then(() =>
      Deno.writeTextFile(runPath(run, file), text)
    );
  const refused = async (record: RunRecord<unknown>, text: string, reason: RegExp) => {
    await write(record.file, text);
    const error = await readRecord(run, record, "run r").then(() => undefined, (e) => e);
    assert.ok(error instanceof BadRun, `${record.file}: ${error}`);
    assert.equal(error.file, record.file);
    assert.match(error.message, new RegExp(`^run r: ${record.file.replace(".", "\\.")} `));
    assert.match(error.reason, reason);
  };
  await refused(EXPERIMENT, '{"model": "rc", "sta', /^is not valid JSON \(/);
  await refused(EXPERIMENT, '{"model": 3, "status": "complete"}', /^is not a valid record \(model: .*expected string/);
  await refused(TRAINING, '{"epochs": [{"epoch": 1}]}', /^is not a valid record \(epochs\.0\.train_loss: /);
  await refused(observationRecord("b"), '{"label": 1}', /^is not a valid record \(label: .*expected string/);
  await refused(SBC, "[]", /^is not a valid record \(the file: /);
  await refused(
    COVERAGE,
    '{"version": 2, "levels": [], "coverage": [], "maxDeviation": 0}',
    /^is version 2, which this neurosbi does not read \(it reads version 1\)$/,
  );
  await refused(RECOVERY_PROGRESS, '{"points": [{"error": [0.5]}]}', /^is not a valid record \(points\.0\.q025: /);
  await refused(SBC_PROGRESS, '{"pairs": []}', /^is not a valid record \(settings: /);
  await refused(
    SBC_PROGRESS,
    '{"settings": {}, "pairs": [{"ranks": [-1], "level": 0.5}]}',
    /^is not a valid record \(pairs\.0\.ranks\.0: /,
  );
  const pack = (fields: object) => JSON.stringify({ ...VALUES.find(([r]) => r === PACK)![1], ...fields });
  await refused(PACK, pack({ format: "other/1" }), /^is not a valid record \(format: /);
  await refused(PACK, pack({ run: "../elsewhere" }), /^is not a valid record \(run: not a run folder's name\)$/);
  for (const file of ["../x.tar.gz.00", ".hidden", "a/b", ""]) {
    await refused(
      PACK,
      pack({ parts: [{ file, bytes: 1, sha256: "ab" }] }),
      /^is not a valid record \(parts\.0\.file: /,
    );
  }
  await Deno.mkdir(runPath(run, RECOVERY.file), { recursive: true });
  await assert.rejects(readRecord(run, RECOVERY), (e) => e instanceof BadRun && /cannot be read/.test(e.reason));
  assert.equal(await readRecord(run, OVERLAP), undefined, "an absent record is undefined");
  await assert.rejects(
    requireRecord(run, OVERLAP, "overlap"),
    (e) =>
      e instanceof BadRun && e.message === `${run}: diagnostics/overlap.json is missing: the run has no overlap yet`,
  );
});

Deno.test("run records: a real run folder written before records carried a version reads as version 1", async () => {
  const raw = async (file: string) => JSON.parse(await Deno.readTextFile(runPath(OLD_RUN, file)));
  const records = [EXPERIMENT, TRAINING, SBC, COVERAGE, RECOVERY, OVERLAP];
  const ids = await observationIds(OLD_RUN);
  assert.deepEqual(ids, ["narrow", "others-deep", "others-shallow", "subject-deep", "subject-shallow", "wide"]);
  for (const record of [...records, ...ids.map(observationRecord)] as RunRecord<unknown>[]) {
    const written = await raw(record.file);
    assert.equal(written.version, undefined, `${record.file} predates versions`);
    assert.deepEqual(await readRecord(OLD_RUN, record), { ...written, version: 1 }, record.file);
  }
  const experiment = await readRecord(OLD_RUN, EXPERIMENT);
  assert.deepEqual([experiment?.model, experiment?.status, experiment?.results?.sbc_rejected], [
    "hnn-beta",
    "complete",
    0,
  ]);
  const deep = await readRecord(OLD_RUN, observationRecord("subject-deep"));
  assert.equal(deep?.units, "x (recording ÷ 60000)", "older observations name their y unit only");
});

Deno.test("run records: writing is atomic; a failed write leaves the previous record and no partial file", async () => {
  const run = await newRun();
  const listing = async (folder: string) => (await Array.fromAsync(Deno.readDir(folder))).map((e) => e.name).sort();
  const training = VALUES[2][1];
  await writeRecord<unknown>(run, TRAINING, training);
  // A writer's mistake is refused before anything is written.
  await assert.rejects(
    writeRecord<unknown>(run, TRAINING, { epochs: "none" }),
    new RegExp(`^Error: cannot write ${runPath(run, TRAINING.file)}: is not a valid record \\(epochs: `),
  );
  assert.deepEqual(await readRecord(run, TRAINING), { version: 1, ...training }, "the previous record stays");
  // A write that fails once its file is written (the rename onto a folder) leaves no temporary file behind.
  const blocked = observationRecord("blocked");
  await Deno.mkdir(join(runPath(run, blocked.file), "inside"), { recursive: true });
  await assert.rejects(writeRecord<unknown>(run, blocked, VALUES[3][1]));
  assert.deepEqual(await listing(join(run, "observations")), ["blocked.json"]);
  assert.deepEqual(await listing(run), ["observations", "training.json"]);
  assert.ok(!(await listing(run)).some(isTempName));
  // A record written to a file of the user's choosing is the same record.
  const out = join(run, "sbc-rerun.json");
  await writeRecordFile(out, SBC, VALUES[4][1]);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(out)), { version: 1, ...VALUES[4][1] });
  assert.equal(observationFile("x"), "observations/x.json");
});

Deno.test("docs/runs.md names every file of lib/runs/paths.ts and every field each record's schema checks", async () => {
  const doc = await Deno.readTextFile(join(REPO, "docs/runs.md"));
  const files: string[] = Object.values(paths).filter((v) => typeof v === "string");
  files.push(...paths.DIAGNOSTICS.map(paths.diagnosticsFile), paths.observationFile("<id>"));
  for (const file of files) assert.ok(doc.includes(`\`${file}`), `docs/runs.md does not name ${file}`);
  const rows = new Map(
    [...doc.matchAll(/^\| `([^`|]+)` +\| (`version`.*)\|$/gm)].map((m) => [m[1], m[2]]),
  );
  for (const [record] of VALUES) {
    if (!record.versioned) continue;
    const file = record.file.replace(/^observations\/a\.json$/, "observations/<id>.json");
    const row = rows.get(file);
    assert.ok(row, `docs/runs.md has no fields row for ${file}`);
    for (const key of Object.keys((record.schema as unknown as { shape: object }).shape)) {
      assert.ok(row.includes(`\`${key}\``), `docs/runs.md's ${file} row lacks ${key}`);
    }
  }
});

/** Each module's relative imports (static and type-only), from its source. */
async function localImports(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(file);
  return [...text.matchAll(/^(?:import|export)[^;]*?from "(\.[^"]+)";/gms)].map((m) => join(dirname(file), m[1]));
}

/** Every module under `folder` with its relative imports. */
async function importGraph(folder: string, graph = new Map<string, string[]>()): Promise<Map<string, string[]>> {
  for await (const entry of Deno.readDir(folder)) {
    const path = join(folder, entry.name);
    if (entry.isDirectory) await importGraph(path, graph);
    else if (/\.tsx?$/.test(entry.name)) graph.set(path, await localImports(path));
  }
  return graph;
}

Deno.test("report modules: no import circle passes through lib/server or lib/runs", async () => {
  const graph = await importGraph(join(REPO, "lib"));
  const ours = (file: string) => /\/lib\/(server|runs)\//.test(file);
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === "done" || !graph.has(file)) return;
    if (state.get(file) === "open") {
      const circle = path.slice(path.indexOf(file));
      assert.ok(!circle.some(ours), `import circle: ${[...circle, file].map((f) => f.slice(REPO.length)).join(" → ")}`);
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file)!) visit(next, [...path, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  assert.ok([...graph.keys()].filter(ours).length > 20, "the modules were found");
});
